# tests/hosted/lib.sh — helpers for the hosted-runtime tests (source it after tests/lib.sh).
#   host_bin VARIANT APP    the hosted executable: plain -> build/host/APP, asan -> build/host/asan/APP
#   host_job args...        scripts/porto-run --host args; sets JOB_EXIT, $TMP/node0.log (rank 0)
host_bin() {
    case $1 in
    asan) echo "build/host/asan/$2" ;;
    *) echo "build/host/$2" ;;
    esac
}
host_job() {
    run_job --host "$@"
}
