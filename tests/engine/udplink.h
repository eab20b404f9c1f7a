/*
 * tests/engine/udplink.h — a net/link.h link over UDP on the loopback interface: node k is
 * 127.0.0.1:(base + k), each Ethernet frame travels as one datagram (sendmsg straight from the
 * engine's pieces), broadcast frames go to every other node. Real kernel sockets, buffers and
 * drops under bursts, without a NIC. Used by tests/engine/test_udp.c.
 */
#ifndef PORTO_TESTS_UDPLINK_H
#define PORTO_TESTS_UDPLINK_H

#include <stdint.h>

#include "net/link.h"

struct udplink;
/* Bind node's socket; NULL (errno set) if the port is taken. MACs follow msw_mac(). */
struct udplink *udplink_open(unsigned node, unsigned nodes, uint16_t base_port, unsigned mtu);
struct link *udplink_link(struct udplink *u);
void udplink_close(struct udplink *u);

#endif
