#!/usr/bin/env python3
"""Writes the doctor's fixture snapshots (deterministic: fixed seeds).

Each directory is a snapshot as `ctnet snapshot` lays it out (proc/..., sys/..., var/log/...,
dmesg.txt). Hosts, addresses and numbers are invented, modelled on the field reports in
shared/seeds: a healthy 6.x host, a small 6.x NAT gateway with a full table, a 2.6-era
ip_conntrack mail gateway, a Cumulus-style switch (no table file), a 2.6.32 host whose
allocations fail, and a directory of garbage. Run from this directory; the tests read the output.
"""
import os, random, shutil

HERE = os.path.dirname(os.path.abspath(__file__))


def write(root, rel, text, mode='w'):
    path = os.path.join(HERE, root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode) as f:
        f.write(text)


def ip(rng, net):
    return f"{net}.{rng.randrange(1, 255)}"


# 6.x defaults (this machine's /proc/sys/net/netfilter), minus count/max/buckets.
SYSCTL_6X = {
    'nf_conntrack_acct': 0, 'nf_conntrack_checksum': 1, 'nf_conntrack_events': 2, 'nf_conntrack_expect_max': 4096,
    'nf_conntrack_frag6_high_thresh': 4194304, 'nf_conntrack_frag6_low_thresh': 3145728, 'nf_conntrack_frag6_timeout': 60,
    'nf_conntrack_generic_timeout': 600, 'nf_conntrack_gre_timeout': 30, 'nf_conntrack_gre_timeout_stream': 180,
    'nf_conntrack_icmp_timeout': 30, 'nf_conntrack_icmpv6_timeout': 30, 'nf_conntrack_log_invalid': 0,
    'nf_conntrack_sctp_timeout_closed': 10, 'nf_conntrack_sctp_timeout_cookie_echoed': 3, 'nf_conntrack_sctp_timeout_cookie_wait': 3,
    'nf_conntrack_sctp_timeout_established': 210, 'nf_conntrack_sctp_timeout_heartbeat_sent': 30,
    'nf_conntrack_sctp_timeout_shutdown_ack_sent': 3, 'nf_conntrack_sctp_timeout_shutdown_recd': 3, 'nf_conntrack_sctp_timeout_shutdown_sent': 3,
    'nf_conntrack_tcp_be_liberal': 0, 'nf_conntrack_tcp_ignore_invalid_rst': 0, 'nf_conntrack_tcp_loose': 1, 'nf_conntrack_tcp_max_retrans': 3,
    'nf_conntrack_tcp_timeout_close': 10, 'nf_conntrack_tcp_timeout_close_wait': 60, 'nf_conntrack_tcp_timeout_established': 432000,
    'nf_conntrack_tcp_timeout_fin_wait': 120, 'nf_conntrack_tcp_timeout_last_ack': 30, 'nf_conntrack_tcp_timeout_max_retrans': 300,
    'nf_conntrack_tcp_timeout_syn_recv': 60, 'nf_conntrack_tcp_timeout_syn_sent': 120, 'nf_conntrack_tcp_timeout_time_wait': 120,
    'nf_conntrack_tcp_timeout_unacknowledged': 300, 'nf_conntrack_timestamp': 0, 'nf_conntrack_udp_timeout': 30,
    'nf_conntrack_udp_timeout_stream': 120, 'nf_hooks_lwtunnel': 0, 'nf_log_all_netns': 0,
}


def sysctls(root, values, directory='proc/sys/net/netfilter'):
    for name, value in sorted(values.items()):
        write(root, f"{directory}/{name}", f"{value}\n")


def proc_line(proto, timeout, state, src, dst, sport, dport, flags, prefix=True, zone=True, mark=True, use=2, l4=None):
    """One /proc/net/nf_conntrack (prefix=True) or ip_conntrack / conntrack -L (prefix=False) line."""
    names = {6: 'tcp', 17: 'udp', 1: 'icmp', 47: 'gre', 50: 'unknown'}
    name = names.get(proto, 'unknown')
    parts = []
    if prefix:
        parts.append('ipv4     2')
    parts.append(f"{name:<8} {proto} {timeout}")
    if state:
        parts.append(state)
    if proto == 1:
        orig = f"src={src} dst={dst} type=8 code=0 id={sport}"
        reply = f"src={dst} dst={src} type=0 code=0 id={sport}"
    elif proto in (6, 17):
        orig = f"src={src} dst={dst} sport={sport} dport={dport}"
        reply = f"src={dst} dst={src} sport={dport} dport={sport}"
    else:
        orig = f"src={src} dst={dst}"
        reply = f"src={dst} dst={src}"
    parts.append(orig)
    if 'UNREPLIED' in flags:
        parts.append('[UNREPLIED]')
    parts.append(reply)
    if 'ASSURED' in flags:
        parts.append('[ASSURED]')
    if mark:
        parts.append('mark=0')
    if l4 == 'secmark':
        parts.append('secmark=0')
    if zone:
        parts.append('zone=0')
    parts.append(f"use={use}")
    return ' '.join(parts) + '\n'


def stat_6x(rows, entries):
    header = "entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart\n"
    out = [header]
    for r in rows:
        vals = [entries, r.get('clashres', 0), 0, 0, r.get('invalid', 0), 0, 0, r.get('chainlength', 0), 0,
                r.get('insert_failed', 0), r.get('drop', 0), r.get('early_drop', 0), r.get('icmp_error', 0), 0, 0, 0, r.get('search_restart', 0)]
        h = [f"{v:08x}" for v in vals]
        out.append(f"{h[0]}  {' '.join(h[1:13])}  {' '.join(h[13:])}\n")
    return ''.join(out)


def stat_old(rows, entries, search_restart=True):
    cols = "entries  searched found new invalid ignore delete delete_list insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete"
    out = [cols + (" search_restart" if search_restart else "") + "\n"]
    for r in rows:
        vals = [entries, r.get('searched', 0), r.get('found', 0), r.get('new', 0), r.get('invalid', 0), r.get('ignore', 0), r.get('delete', 0),
                r.get('delete_list', 0), r.get('insert', 0), r.get('insert_failed', 0), r.get('drop', 0), r.get('early_drop', 0), r.get('icmp_error', 0), 0, 0, 0]
        if search_restart:
            vals.append(r.get('search_restart', 0))
        h = [f"{v:08x}" for v in vals]
        out.append(f"{h[0]}  {' '.join(h[1:13])}  {' '.join(h[13:])} \n")
    return ''.join(out)


SLAB_HEADER_21 = "slabinfo - version: 2.1\n# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n"


def slab_line(name, active, num, size, per, pages, tun=(0, 0, 0)):
    slabs = -(-num // per)
    return f"{name:<17} {active:6d} {num:6d} {size:6d} {per:4d} {pages:4d} : tunables {tun[0]:4d} {tun[1]:4d} {tun[2]:4d} : slabdata {slabs:6d} {slabs:6d}      0\n"


def modern_healthy():
    root = 'modern-healthy'
    rng = random.Random(1)
    values = dict(SYSCTL_6X, nf_conntrack_max=262144, nf_conntrack_buckets=262144, nf_conntrack_count=412)
    sysctls(root, values)
    write(root, 'sys/module/nf_conntrack/parameters/hashsize', '262144\n')
    lines = []
    for _ in range(230):  # clients of a web server
        lines.append(proc_line(6, rng.randrange(300000, 431999), 'ESTABLISHED', ip(rng, '198.51.100'), '192.0.2.10', rng.randrange(32768, 60999), 443, ['ASSURED']))
    for _ in range(120):
        lines.append(proc_line(6, rng.randrange(1, 119), 'TIME_WAIT', ip(rng, '198.51.100'), '192.0.2.10', rng.randrange(32768, 60999), 443, ['ASSURED']))
    for _ in range(40):
        lines.append(proc_line(17, rng.randrange(1, 29), None, '192.0.2.10', '192.0.2.53', rng.randrange(32768, 60999), 53, []))
    for _ in range(18):
        lines.append(proc_line(1, rng.randrange(1, 29), None, '203.0.113.5', '192.0.2.10', rng.randrange(1, 65535), 0, []))
    lines.append("ipv6     10 tcp      6 431990 ESTABLISHED src=2001:0db8:0000:0000:0000:0000:0000:0010 dst=2001:0db8:0000:0000:0000:0000:0000:0001 sport=40344 dport=22 src=2001:0db8:0000:0000:0000:0000:0000:0001 dst=2001:0db8:0000:0000:0000:0000:0000:0010 sport=22 dport=40344 [ASSURED] mark=0 zone=0 use=2\n")
    lines.append("ipv4     2 gre      47 179 timeout=30, stream_timeout=180 src=192.0.2.10 dst=203.0.113.9 srckey=0x0 dstkey=0x0 src=203.0.113.9 dst=192.0.2.10 srckey=0x0 dstkey=0x0 [ASSURED] mark=0 zone=0 use=2\n")
    lines.append("ipv4     2 unknown  50 598 src=192.0.2.10 dst=203.0.113.20 src=203.0.113.20 dst=192.0.2.10 mark=0 zone=0 use=2\n")
    lines.append("ipv4     2 sctp     132 205 ESTABLISHED src=192.0.2.10 dst=203.0.113.30 sport=3868 dport=3868 src=203.0.113.30 dst=192.0.2.10 sport=3868 dport=3868 [ASSURED] mark=0 zone=0 use=2\n")
    rng.shuffle(lines)
    assert len(lines) == 412
    write(root, 'proc/net/nf_conntrack', ''.join(lines))
    write(root, 'proc/net/stat/nf_conntrack', stat_6x([{'invalid': 3}, {'invalid': 1, 'icmp_error': 2}, {}, {'clashres': 1}], 412))
    write(root, 'proc/slabinfo', SLAB_HEADER_21 + slab_line('kmalloc-256', 2800, 2816, 256, 16, 1) + slab_line('nf_conntrack_expect', 0, 0, 208, 19, 1) + slab_line('nf_conntrack', 412, 432, 256, 16, 1) + slab_line('dentry', 91000, 91035, 192, 21, 1))
    write(root, 'proc/meminfo', "MemTotal:       16318504 kB\nMemFree:         9120344 kB\nMemAvailable:   13502112 kB\nBuffers:          221004 kB\nCached:          4100220 kB\nSwapCached:            0 kB\nSlab:             610240 kB\nSReclaimable:     480112 kB\nSUnreclaim:       130128 kB\nHugePages_Total:       0\nHugepagesize:       2048 kB\n")
    write(root, 'var/log/kern.log', "Nov  3 08:00:01 web01 kernel: [    0.000000] Linux version 6.8.0-49-generic (buildd@lcy02) #49-Ubuntu SMP\nNov  3 08:00:01 web01 kernel: [    2.104112] NET: Registered PF_INET protocol family\nNov  3 08:00:03 web01 kernel: [    9.880120] Bridge firewalling registered\n")
    write(root, 'dmesg.txt', "[    0.000000] Linux version 6.8.0-49-generic (buildd@lcy02) #49-Ubuntu SMP\n[    2.104112] NET: Registered PF_INET protocol family\n[    9.880120] Bridge firewalling registered\n[   12.500000] virtio_net virtio0 ens3: renamed from eth0\n")


def full_table():
    """A 256 MB VM doing NAT for an office: max = buckets = RAM/16384/8 (1862), 2048 buckets after rounding to 512."""
    root = 'full-table'
    rng = random.Random(2)
    values = dict(SYSCTL_6X, nf_conntrack_max=1862, nf_conntrack_buckets=2048, nf_conntrack_count=1862, nf_conntrack_expect_max=32)
    sysctls(root, values)
    write(root, 'sys/module/nf_conntrack/parameters/hashsize', '2048\n')
    lines = []
    lan = '10.20.0'
    for i in range(1100):
        # 800 idle for more than a day (remaining < 345600), 300 recently active.
        remaining = rng.randrange(5000, 345600) if i < 800 else rng.randrange(345601, 431999)
        dst = rng.choice(['203.0.113.80', '203.0.113.81', '198.51.100.7', '198.51.100.25'])
        lines.append(proc_line(6, remaining, 'ESTABLISHED', ip(rng, lan), dst, rng.randrange(32768, 60999), rng.choice([443, 443, 443, 993, 5222]), ['ASSURED']))
    for i in range(450):
        lines.append(proc_line(6, 1 + (i % 119), 'TIME_WAIT', ip(rng, lan), '203.0.113.80', rng.randrange(32768, 60999), 443, ['ASSURED']))
    for i in range(80):
        lines.append(proc_line(6, 1 + (i * 3) % 119, 'SYN_SENT', ip(rng, lan), ip(rng, '192.0.2'), rng.randrange(32768, 60999), 8443, ['UNREPLIED']))
    for i in range(40):
        lines.append(proc_line(6, 1 + (i % 59), 'CLOSE_WAIT', ip(rng, lan), '198.51.100.7', rng.randrange(32768, 60999), 443, ['ASSURED']))
    for i in range(120):
        lines.append(proc_line(17, 1 + (i % 29), None, ip(rng, lan), '10.20.0.1', rng.randrange(32768, 60999), 53, []))
    for i in range(50):
        lines.append(proc_line(17, 60 + (i % 60), None, ip(rng, lan), '203.0.113.80', rng.randrange(32768, 60999), 443, ['ASSURED']))
    for i in range(22):
        lines.append(proc_line(1, 1 + (i % 29), None, ip(rng, lan), '198.51.100.1', 1000 + i, 0, []))
    rng.shuffle(lines)
    assert len(lines) == 1862
    write(root, 'proc/net/nf_conntrack', ''.join(lines))
    write(root, 'proc/net/stat/nf_conntrack', stat_6x([{'invalid': 51, 'drop': 3310, 'early_drop': 19, 'icmp_error': 4},
                                                       {'invalid': 47, 'drop': 3393, 'early_drop': 24, 'icmp_error': 1}], 1862))
    write(root, 'proc/slabinfo', SLAB_HEADER_21 + slab_line('nf_conntrack_expect', 0, 0, 208, 19, 1) + slab_line('nf_conntrack', 1862, 1872, 256, 16, 1) + slab_line('kmalloc-128', 3000, 3008, 128, 32, 1))
    write(root, 'proc/meminfo', "MemTotal:         238376 kB\nMemFree:           20112 kB\nMemAvailable:      61040 kB\nBuffers:            8120 kB\nCached:            52116 kB\nSlab:              30112 kB\nSReclaimable:      14000 kB\nSUnreclaim:        16112 kB\n")
    # kern.log: an older burst (rotated out of the ring buffer) and a recent one that dmesg also holds.
    kern, dmesg = [], []
    def burst(day, hh, mm, ss, mono, printed, suppressed, in_dmesg):
        t = ss
        for k in range(printed):
            m = mono + k * 0.31
            stamp = f"Nov {day:2d} {hh:02d}:{mm:02d}:{int(t + k * 0.31) % 60:02d}"
            kern.append(f"{stamp} gw-small kernel: [{m:12.6f}] nf_conntrack: nf_conntrack: table full, dropping packet\n")
            if in_dmesg:
                dmesg.append(f"[{m:12.6f}] nf_conntrack: nf_conntrack: table full, dropping packet\n")
        m = mono + 5.2
        stamp = f"Nov {day:2d} {hh:02d}:{mm:02d}:{int(t + 5.2) % 60:02d}"
        kern.append(f"{stamp} gw-small kernel: [{m:12.6f}] net_ratelimit: {suppressed} callbacks suppressed\n")
        kern.append(f"{stamp} gw-small kernel: [{m + 0.000004:12.6f}] nf_conntrack: nf_conntrack: table full, dropping packet\n")
        if in_dmesg:
            dmesg.append(f"[{m:12.6f}] net_ratelimit: {suppressed} callbacks suppressed\n")
            dmesg.append(f"[{m + 0.000004:12.6f}] nf_conntrack: nf_conntrack: table full, dropping packet\n")
    kern.append("Nov 11 09:00:00 gw-small kernel: [    0.000000] Linux version 6.1.0-26-amd64 (debian-kernel@lists.debian.org)\n")
    dmesg.append("[    0.000000] Linux version 6.1.0-26-amd64 (debian-kernel@lists.debian.org)\n")
    burst(12, 18, 3, 10, 119_000.5, 10, 1204, False)   # 11 printed, 1204 suppressed
    kern.append("Nov 12 18:40:00 gw-small sshd[811]: Accepted publickey for admin from 10.20.0.5\n")
    burst(13, 9, 15, 2, 173_040.25, 10, 2211, True)     # 11 printed, 2211 suppressed
    write(root, 'var/log/kern.log', ''.join(kern))
    write(root, 'dmesg.txt', ''.join(dmesg))


def legacy_26():
    """A 32 MB i386 mail gateway on 2.6.18 with ip_conntrack: 256 buckets, 8 x 256 = 2048 max."""
    root = 'legacy-2.6'
    rng = random.Random(3)
    values = {
        'ip_conntrack_max': 2048, 'ip_conntrack_buckets': 256, 'ip_conntrack_count': 2048, 'ip_conntrack_checksum': 1,
        'ip_conntrack_generic_timeout': 600, 'ip_conntrack_icmp_timeout': 30, 'ip_conntrack_log_invalid': 0,
        'ip_conntrack_tcp_be_liberal': 0, 'ip_conntrack_tcp_loose': 3, 'ip_conntrack_tcp_max_retrans': 3,
        'ip_conntrack_tcp_timeout_close': 10, 'ip_conntrack_tcp_timeout_close_wait': 240, 'ip_conntrack_tcp_timeout_established': 432000,
        'ip_conntrack_tcp_timeout_fin_wait': 120, 'ip_conntrack_tcp_timeout_last_ack': 30, 'ip_conntrack_tcp_timeout_max_retrans': 300,
        'ip_conntrack_tcp_timeout_syn_recv': 60, 'ip_conntrack_tcp_timeout_syn_sent': 120, 'ip_conntrack_tcp_timeout_time_wait': 120,
        'ip_conntrack_udp_timeout': 30, 'ip_conntrack_udp_timeout_stream': 180,
    }
    sysctls(root, values, 'proc/sys/net/ipv4/netfilter')
    lines = []
    for i in range(900):
        lines.append(proc_line(6, rng.randrange(600, 345000), 'ESTABLISHED', ip(rng, '172.16.1'), '192.0.2.25', rng.randrange(1024, 60999), 25, ['ASSURED'], prefix=False, zone=False, use=1))
    for i in range(300):
        lines.append(proc_line(6, 1 + (i % 239), 'CLOSE_WAIT', ip(rng, '172.16.1'), '192.0.2.25', rng.randrange(1024, 60999), 25, ['ASSURED'], prefix=False, zone=False, use=1))
    for i in range(400):
        lines.append(proc_line(6, 1 + (i % 119), 'TIME_WAIT', ip(rng, '172.16.1'), '192.0.2.25', rng.randrange(1024, 60999), 110, ['ASSURED'], prefix=False, zone=False, use=1))
    for i in range(50):
        lines.append(proc_line(6, 1 + (i % 59), 'SYN_RECV', ip(rng, '198.51.100'), '192.0.2.25', rng.randrange(1024, 60999), 25, [], prefix=False, zone=False, use=1))
    for i in range(350):
        lines.append(proc_line(17, 1 + (i % 29), None, '192.0.2.25', '192.0.2.53', rng.randrange(1024, 60999), 53, [], prefix=False, zone=False, use=1))
    for i in range(48):
        lines.append(proc_line(1, 1 + (i % 29), None, ip(rng, '198.51.100'), '192.0.2.25', 512 + i, 0, [], prefix=False, zone=False, use=1))
    rng.shuffle(lines)
    assert len(lines) == 2048
    write(root, 'proc/net/ip_conntrack', ''.join(lines))
    write(root, 'proc/net/stat/ip_conntrack', stat_old([{'searched': 91_214_002, 'found': 3_100_221, 'new': 402_112, 'invalid': 1520, 'ignore': 88_000,
                                                          'delete': 400_064, 'delete_list': 400_064, 'insert': 402_112, 'drop': 3951, 'early_drop': 214, 'icmp_error': 33}],
                                                        2048, search_restart=False))
    write(root, 'proc/slabinfo', "slabinfo - version: 2.0\n# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <batchcount> <limit> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n"
          + slab_line('ip_conntrack_expect', 0, 0, 96, 40, 1, (120, 60, 0)) + slab_line('ip_conntrack', 2048, 2057, 228, 17, 1, (120, 60, 0)) + slab_line('size-256', 120, 150, 256, 15, 1, (120, 60, 0)))
    write(root, 'proc/meminfo', "MemTotal:        30580 kB\nMemFree:          2104 kB\nBuffers:          1220 kB\nCached:           5412 kB\nSwapCached:          0 kB\nActive:          14120 kB\nInactive:         6300 kB\nHighTotal:           0 kB\nHighFree:            0 kB\nLowTotal:        30580 kB\nLowFree:          2104 kB\nSlab:             4900 kB\n")
    msgs = [
        "Feb  3 16:35:58 mailgw kernel: Linux version 2.6.18-8.el5 (brewbuilder@hs20-bc1-7.build.redhat.com)\n",
        "Feb  3 16:35:58 mailgw kernel: ip_conntrack version 2.4 (256 buckets, 2048 max) - 228 bytes per conntrack\n",
        "Feb  3 16:36:02 mailgw postfix/master[1201]: daemon started -- version 2.3.3\n",
    ]
    dm = ["Linux version 2.6.18-8.el5 (brewbuilder@hs20-bc1-7.build.redhat.com)\n",
          "ip_conntrack version 2.4 (256 buckets, 2048 max) - 228 bytes per conntrack\n"]
    printed = 0
    suppressed = [66, 39, 36, 41, 52, 12]
    for i, n in enumerate(suppressed):
        sec = 46 + i * 5
        msgs.append(f"Aug 30 13:{25 + sec // 60:02d}:{sec % 60:02d} mailgw kernel: ip_conntrack: table full, dropping packet.\n")
        msgs.append(f"Aug 30 13:{25 + (sec + 4) // 60:02d}:{(sec + 4) % 60:02d} mailgw kernel: NET: {n} messages suppressed.\n")
        printed += 1
        if i >= 3:
            dm.append("ip_conntrack: table full, dropping packet.\n")
            dm.append(f"NET: {n} messages suppressed.\n")
    msgs.append("Aug 30 13:26:20 mailgw kernel: ip_conntrack: table full, dropping packet.\n")
    msgs.append("Aug 30 13:26:21 mailgw postfix/smtpd[4410]: lost connection after CONNECT from unknown[198.51.100.9]\n")
    msgs.append("Aug 30 13:26:25 mailgw kernel: NET: 36 message\n")  # cut, as in the field report
    write(root, 'var/log/messages', ''.join(msgs))
    write(root, 'dmesg.txt', ''.join(dm))


def cumulus():
    """A Cumulus-style switch on a 4.1 kernel: conntrack loaded by accident, no table file was taken."""
    root = 'cumulus-switch'
    values = dict(SYSCTL_6X)
    for k in ('nf_conntrack_frag6_high_thresh', 'nf_conntrack_frag6_low_thresh', 'nf_conntrack_frag6_timeout', 'nf_hooks_lwtunnel', 'nf_log_all_netns', 'nf_conntrack_tcp_ignore_invalid_rst'):
        values.pop(k)
    values.update(nf_conntrack_max=65536, nf_conntrack_buckets=16384, nf_conntrack_count=65536, nf_conntrack_udp_timeout_stream=180,
                  nf_conntrack_expect_max=256, nf_conntrack_events=1, nf_conntrack_helper=1,
                  nf_conntrack_dccp_timeout_open=43200, nf_conntrack_dccp_loose=1)
    sysctls(root, values)
    write(root, 'sys/module/nf_conntrack/parameters/hashsize', '16384\n')
    rows = [{'searched': 8_112_000, 'found': 120_500, 'new': 2_880_000, 'invalid': 120, 'insert': 2_880_000, 'delete': 2_814_464, 'delete_list': 2_814_464, 'drop': 40_112, 'early_drop': 310},
            {'searched': 7_990_100, 'found': 118_220, 'new': 2_790_000, 'invalid': 98, 'insert': 2_790_000, 'delete': 2_790_000, 'delete_list': 2_790_000, 'drop': 38_901, 'early_drop': 295},
            {'searched': 10, 'new': 12, 'insert': 12, 'delete': 12, 'delete_list': 12},
            {'searched': 4, 'new': 3, 'insert': 3, 'delete': 3, 'delete_list': 3}]
    write(root, 'proc/net/stat/nf_conntrack', stat_old(rows, 65536))
    write(root, 'proc/slabinfo', SLAB_HEADER_21 + slab_line('nf_conntrack_expect', 0, 0, 240, 17, 1) + slab_line('nf_conntrack', 65536, 65550, 320, 25, 2) + slab_line('kmalloc-512', 900, 928, 512, 16, 2))
    write(root, 'proc/meminfo', "MemTotal:        2048412 kB\nMemFree:          301220 kB\nMemAvailable:     389104 kB\nBuffers:           41200 kB\nCached:           180332 kB\nSlab:             120500 kB\nSReclaimable:      30100 kB\nSUnreclaim:        90400 kB\n")
    log = ["2019-02-25T03:41:57.120331+00:00 leaf01 switchd[1520]: sync_base.c:1211 WARN no route for prefix\n"]
    mono = 20763543.334180
    for burst, sup in enumerate([8104, 7311, 9920]):
        for k in range(10):
            m = mono + burst * 100 + k * 0.004
            sec = 3 + burst * 100 + k * 0.004
            log.append(f"2019-02-25T03:{45 + int(sec) // 60:02d}:{int(sec) % 60:02d}.{int((sec % 1) * 1e6):06d}+00:00 leaf01 kernel: [{m:.6f}] nf_conntrack: table full, dropping packet\n")
        m = mono + burst * 100 + 5.01
        sec = 3 + burst * 100 + 5.01
        log.append(f"2019-02-25T03:{45 + int(sec) // 60:02d}:{int(sec) % 60:02d}.{int((sec % 1) * 1e6):06d}+00:00 leaf01 kernel: [{m:.6f}] net_ratelimit: {sup} callbacks suppressed\n")
        log.append(f"2019-02-25T03:{45 + int(sec) // 60:02d}:{int(sec) % 60:02d}.{int((sec % 1) * 1e6) + 4:06d}+00:00 leaf01 kernel: [{m + 0.000004:.6f}] nf_conntrack: table full, dropping packet\n")
        log.append(f"2019-02-25T03:{45 + int(sec) // 60:02d}:{int(sec) % 60:02d}.{int((sec % 1) * 1e6) + 9:06d}+00:00 leaf01 clagd[1811]: peer link is up\n")
    write(root, 'var/log/syslog', ''.join(log))


def alloc_failure():
    """A 2.6.32 (RHEL 6 style) host, 8 GB, leaking unreclaimable slab: conntrack allocations fail with room in the table."""
    root = 'alloc-failure'
    rng = random.Random(5)
    values = {k: v for k, v in SYSCTL_6X.items() if not k.startswith('nf_conntrack_frag6') and k not in ('nf_hooks_lwtunnel', 'nf_log_all_netns', 'nf_conntrack_tcp_ignore_invalid_rst', 'nf_conntrack_tcp_timeout_unacknowledged', 'nf_conntrack_gre_timeout', 'nf_conntrack_gre_timeout_stream')}
    values.update(nf_conntrack_max=65536, nf_conntrack_buckets=16384, nf_conntrack_count=1530, nf_conntrack_udp_timeout_stream=180,
                  nf_conntrack_events=1, nf_conntrack_acct=1, nf_conntrack_expect_max=256)
    sysctls(root, values)
    write(root, 'sys/module/nf_conntrack/parameters/hashsize', '16384\n')
    lines = []
    for i in range(900):
        lines.append(proc_line(6, rng.randrange(400000, 431999), 'ESTABLISHED', '10.1.4.7', ip(rng, '10.1.8'), rng.randrange(32768, 60999), 5432, ['ASSURED'], zone=False, l4='secmark'))
    for i in range(500):
        lines.append(proc_line(6, 1 + (i % 119), 'TIME_WAIT', ip(rng, '10.1.2'), '10.1.4.7', rng.randrange(32768, 60999), 8080, ['ASSURED'], zone=False, l4='secmark'))
    for i in range(130):
        lines.append(proc_line(17, 1 + (i % 29), None, '10.1.4.7', '10.1.0.2', rng.randrange(32768, 60999), 53, [], zone=False, l4='secmark'))
    rng.shuffle(lines)
    write(root, 'proc/net/nf_conntrack', ''.join(lines))
    rows = [{'searched': 11_000, 'found': 900, 'new': 50_000 + i, 'invalid': 2, 'insert': 50_000, 'delete': 48_000, 'delete_list': 48_000, 'drop': [410, 388, 201, 251, 0, 0, 0, 0][i]} for i in range(8)]
    write(root, 'proc/net/stat/nf_conntrack', stat_old(rows, 1530))
    write(root, 'proc/slabinfo', SLAB_HEADER_21 + slab_line('nf_conntrack_expect', 0, 0, 240, 16, 1)
          + slab_line('nf_conntrack_ffff880c2f1e8000', 12, 26, 312, 26, 2)
          + slab_line('nf_conntrack_ffffffff81b2a920', 1530, 1560, 312, 26, 2)
          + slab_line('size-1024', 5_800_000, 5_800_016, 1024, 4, 1))
    write(root, 'proc/meminfo', "MemTotal:        8058736 kB\nMemFree:           61220 kB\nBuffers:           10112 kB\nCached:           180004 kB\nSwapCached:        20112 kB\nSlab:            6120332 kB\nSReclaimable:     190100 kB\nSUnreclaim:      5930232 kB\n")
    msgs = ["Mar 12 04:10:02 app07 kernel: nf_conntrack version 0.5.0 (16384 buckets, 65536 max)\n",
            "Mar 12 04:10:02 app07 kernel: nf_conntrack: falling back to vmalloc.\n",
            "Mar 14 22:31:15 app07 kernel: java: page allocation failure. order:1, mode:0x20\n",
            "Mar 14 22:31:15 app07 kernel: SLUB: Unable to allocate memory on node -1 (gfp=0x20)\n",
            "Mar 14 22:31:15 app07 kernel:   cache: nf_conntrack_ffffffff81b2a920, object size: 312, buffer size: 320, default order: 1, min order: 0\n"]
    for k in range(6):
        msgs.append(f"Mar 14 22:31:{16 + k:02d} app07 kernel: nf_conntrack_alloc: Can't alloc conntrack\n")
    msgs.append("Mar 14 22:31:22 app07 kernel: printk: 212 messages suppressed.\n")
    msgs.append("Mar 14 22:31:30 app07 kernel: nf_conntrack_alloc: Can't alloc conntrack\n")
    msgs.append("Mar 14 22:31:31 app07 crond[2210]: (root) CMD (/usr/lib64/sa/sa1 1 1)\n")
    write(root, 'var/log/messages', ''.join(msgs))


def garbage():
    root = 'garbage'
    write(root, 'proc/sys/net/netfilter/nf_conntrack_max', 'lots\n')
    write(root, 'proc/sys/net/netfilter/nf_conntrack_count', '')
    write(root, 'proc/sys/net/netfilter/nf_conntrack_buckets', b'\x00\x01\xff\xfe', 'wb')
    write(root, 'proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established', '-5\n')
    table = (
        proc_line(6, 431999, 'ESTABLISHED', '10.0.0.1', '10.0.0.2', 40000, 443, ['ASSURED'])
        + "ipv4     2 tcp      6 431999 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=40001 dport=443 src=10.0.0.2\n"
        + "ipv4     2 tcp      6 431999 ESTABLISHED src=10.0.0.999 dst=10.0.0.2 sport=40002 dport=443 src=10.0.0.2 dst=10.0.0.1 sport=443 dport=40002 use=2\n"
        + "    [NEW] tcp      6 120 SYN_SENT src=127.0.0.1 dst=127.0.0.1 sport=39138 dport=8080 [UNREPLIED] src=127.0.0.1 dst=127.0.0.1 sport=8080 dport=39138\n"
        + "hello world\n"
        + "ipv4     2 tcp      6 x ESTABLISHED\n"
        + "ipv4     2 tcp      6 60 ESTABLISHED src=10.0.0.3 dst=10.0.0.4 sport=99999 dport=443 src=10.0.0.4 dst=10.0.0.3 sport=443 dport=99999 use=2\n"
        + "A" * 20000 + "\n"
        + proc_line(17, 29, None, '10.0.0.5', '10.0.0.53', 5353, 53, []))
    write(root, 'proc/net/nf_conntrack', table)
    write(root, 'proc/net/nf_conntrack', b'\x00\x00\xde\xad\xbe\xef\n\x7fELF\x02\x01\n', 'ab')
    write(root, 'proc/net/stat/nf_conntrack', "entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart\n00000002  00000000 00000000\nzzzzzzzz  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000  00000000 00000000 00000000 00000000\n00000002  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000003 00000000 00000000  00000000 00000000 00000000 00000000\n")
    write(root, 'proc/slabinfo', "slabinfo - version: 2.1\nnf_conntrack  lots of objects\nnf_conntrack     10 16 0 16 1 : tunables 0 0 0 : slabdata 1 1 0\n")
    write(root, 'proc/meminfo', "MemTotal:  many kB\nthis is not meminfo\nMemFree:  1024 kB\n")
    write(root, 'var/log/kern.log', "Aug 30 13:25:50 gw kernel: NET: 36 message\nAug 30 13:25:51 gw kernel: net_ratelimit: many callbacks suppressed\nAug 30 13:25:52 gw kernel: nf_conntrack: table full\nAug 30 13:25:53 gw kernel: nf_conntrack: nf_conntrack: table full in netns abc, dropping packet\nAug 30 13:25:54 gw kernel: nf_conntrack version 0.5.0 (many buckets)\n")
    write(root, 'var/log/kern.log', b'\x00\x00\x00\x00binary\x00junk\n', 'ab')
    write(root, 'dmesg.txt', b'\xff\xfe\xfd\n', 'wb')


for name in ('modern-healthy', 'full-table', 'legacy-2.6', 'cumulus-switch', 'alloc-failure', 'garbage'):
    shutil.rmtree(os.path.join(HERE, name), ignore_errors=True)
modern_healthy()
full_table()
legacy_26()
cumulus()
alloc_failure()
garbage()
