#!/usr/bin/env python3
"""tests/qemu/tools/inject.py — an attacker on a test cluster's switch. Run inside the switch's
network namespace (AF_PACKET, root): sniffs the Porto frames (EtherType 0x88B5) that nodes send
on the sniffed taps and, built from them, sends into the victim's tap: replays, bit-flipped
copies, forged ACKs, RNRs, control-port, collective and HELLO frames. Counts what it sent per
kind on stdout when stopped (SIGTERM) or after --seconds.
  inject.py --victim tap0 --victim-mac 52:54:00:50:00:01 --victim-rank 0 --sniff tap1,tap2
            [--seconds 60] [--rate 40]
Header layout: net/wire.h (44 bytes after the Ethernet header, little-endian)."""
import argparse, random, signal, socket, struct, sys, time

ETH_P = 0x88B5
HDR = struct.Struct("<BBHIHHHHIIIIIII")  # version type flags job src dst port frag_len msg_seq seq ack msg_len base frag_off crc
F_FC, F_BCAST, F_FIRST, F_LAST, F_ACK, F_BACK, F_RNR = 1, 2, 4, 8, 0x20, 0x40, 0x80
COLL_PORT, CTL_PORT = 64, 62

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--victim", required=True)
    ap.add_argument("--victim-mac", required=True)
    ap.add_argument("--victim-rank", type=int, required=True)
    ap.add_argument("--sniff", required=True)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--rate", type=float, default=40, help="forged frames per second")
    a = ap.parse_args()
    vmac = bytes(int(x, 16) for x in a.victim_mac.split(":"))
    out = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P))
    out.bind((a.victim, 0))
    ins = []
    for name in a.sniff.split(","):
        # ETH_P_ALL: on a bridge port, sockets bound to one protocol see nothing (the bridge
        # takes the frame first); "all" sockets see every frame.
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
        s.bind((name, 0))
        s.setblocking(False)
        ins.append(s)
    sent = {k: 0 for k in ("replay", "bitflip", "ack", "rnr", "control", "collective", "hello")}
    stop = [False]
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__(0, True))
    print(f"inject: sniffing {a.sniff}, forging into {a.victim}", flush=True)
    rng = random.Random(1)
    end = time.time() + a.seconds
    period = 1.0 / a.rate
    next_t = time.time()
    last = {}  # newest sniffed frame per kind: "data", "hello"
    while not stop[0] and time.time() < end:
        for s in ins:
            try:
                while True:
                    f = s.recv(10000)
                    if len(f) < 14 + 2 or f[12:14] != b"\x88\xb5":
                        continue
                    kind = "hello" if f[15] == 0x80 else "data" if f[15] == 1 and len(f) >= 58 else None
                    # Frames the victim receives: to its MAC, or broadcast.
                    if kind and (f[0:6] == vmac or f[0] & 1):
                        last[kind] = f
            except BlockingIOError:
                pass
        if time.time() < next_t or "data" not in last:
            time.sleep(0.002)
            continue
        next_t = max(next_t + period, time.time() - 1)
        f = last["data"]
        eth, h, pay = f[:14], list(HDR.unpack(f[14:58])), f[58:]
        src_mac = f[6:12]
        to_victim = vmac + src_mac + eth[12:14]
        kind = rng.choice(list(sent))
        if kind == "replay":
            frame = f
        elif kind == "bitflip":
            b = bytearray(f)
            i = rng.randrange(14, len(b))
            b[i] ^= 1 << rng.randrange(8)
            frame = bytes(b)
        elif kind in ("ack", "rnr"):
            # From the sender of the sniffed frame (its MAC), acknowledging ahead of it.
            h2 = [1, 2, F_ACK | F_BACK | (F_RNR if kind == "rnr" else 0), h[3], h[4],
                  a.victim_rank, 0, 0, h[8] + 3, 0, (h[9] + 5) & 0xFFFFFFFF, 0, 0, 0, 0]
            frame = to_victim + HDR.pack(*h2)
        else:
            port = {"control": CTL_PORT, "collective": COLL_PORT}.get(kind, 0)
            if kind == "hello":
                if "hello" not in last:
                    continue
                b = bytearray(last["hello"])
                b[6:12] = bytes([0x02, 0, 0, 0, 0, rng.randrange(256)])  # a lower MAC
                b[14 + 14] = 1  # ready
                frame = bytes(b)
            else:
                payload = struct.pack("<IiQ", 2, 0, 0)  # the job layer's SHUTDOWN message
                flags = (h[2] & F_FC) | F_FIRST | F_LAST
                h2 = [1, 1, flags, h[3], h[4], a.victim_rank, port, len(payload), h[8] + 1,
                      (h[9] + 1) & 0xFFFFFFFF, 0, len(payload), h[12], 0, 0]
                frame = to_victim + HDR.pack(*h2) + payload
        if len(frame) < 60:
            frame += bytes(60 - len(frame))
        out.send(frame)
        sent[kind] += 1
    print("inject: sent " + " ".join(f"{k}={v}" for k, v in sent.items()), flush=True)

if __name__ == "__main__":
    sys.exit(main())
