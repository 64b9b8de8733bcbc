#!/usr/bin/env python3
"""Captures ctnetlink replies from the running kernel as the fixtures of NetlinkDecoderTests.

Run inside a namespace that has entries: ip netns exec NS python3 capture.py OUTDIR
(the entries of the committed fixtures: see README.md). Each file is the datagrams of one reply,
back to back, exactly as received."""
import socket, struct, sys, os, threading, time

def request(msgtype, flags, family=0, attrs=b''):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 12)
    s.bind((0, 0))
    body = struct.pack('BBH', family, 0, 0) + attrs
    s.send(struct.pack('=IHHII', 16 + len(body), msgtype, flags | 1, 1, 0) + body)
    out = b''
    while True:
        d = s.recv(65536)
        out += d
        off, end = 0, False
        while off + 16 <= len(d):
            l, t = struct.unpack_from('=IH', d, off)
            end |= t in (2, 3)
            off += (l + 3) & ~3
        if end:
            return out

out = sys.argv[1]
def save(name, data):
    with open(os.path.join(out, name), 'wb') as f:
        f.write(data)
# Events: subscribe to NEW|UPDATE|DESTROY, make a UDP flow and delete it.
ev = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 12)
ev.bind((0, 7))
ev.settimeout(1)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.sendto(b'x', ('127.0.0.1', 7999))
u.close()
os.system('conntrack -D -p udp --dport 7999 >/dev/null 2>&1')
events = b''
try:
    while True:
        events += ev.recv(65536)
except socket.timeout:
    pass
save('events.bin', events)

save('dump.bin', request(0x0101, 0x300))
save('dump-ipv6.bin', request(0x0101, 0x300, family=10))
save('stats-cpu.bin', request(0x0104, 0x300))
save('stats.bin', request(0x0105, 0x004))
save('error-get-without-tuple.bin', request(0x0101, 0x004, family=2))
