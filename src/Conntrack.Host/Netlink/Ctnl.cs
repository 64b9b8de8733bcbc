namespace Conntrack.Host.Netlink;

/// <summary>
/// The numbers of the ctnetlink protocol (include/uapi/linux/netlink.h, nfnetlink.h,
/// nfnetlink_conntrack.h), named once for the encoder and the decoder.
/// </summary>
internal static class Ctnl
{
    public const int AfNetlink = 16;
    public const int NetlinkNetfilter = 12;
    public const int HeaderLength = 16;
    public const int NfGenLength = 4;

    // nlmsghdr types and flags
    public const ushort Noop = 1;
    public const ushort Error = 2;
    public const ushort Done = 3;
    public const ushort Overrun = 4;
    public const ushort FlagRequest = 0x001;
    public const ushort FlagMulti = 0x002;
    public const ushort FlagAck = 0x004;
    public const ushort FlagDumpInterrupted = 0x010;
    public const ushort FlagDump = 0x300;
    public const ushort FlagExcl = 0x200;
    public const ushort FlagCreate = 0x400;

    // NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_*
    public const ushort MsgNew = 0x0100;
    public const ushort MsgGet = 0x0101;
    public const ushort MsgDelete = 0x0102;
    public const ushort MsgGetZero = 0x0103;
    public const ushort MsgStatsCpu = 0x0104;
    public const ushort MsgStats = 0x0105;
    public const ushort MsgGetDying = 0x0106;

    // enum ctattr_type
    public const ushort TupleOrig = 1;
    public const ushort TupleReply = 2;
    public const ushort Status = 3;
    public const ushort ProtoInfo = 4;
    public const ushort Help = 5;
    public const ushort Timeout = 7;
    public const ushort Mark = 8;
    public const ushort CountersOrig = 9;
    public const ushort CountersReply = 10;
    public const ushort Use = 11;
    public const ushort Id = 12;
    public const ushort TupleMaster = 14;
    public const ushort SeqAdjOrig = 15;
    public const ushort SeqAdjReply = 16;
    public const ushort Secmark = 17;
    public const ushort Zone = 18;
    public const ushort SecCtx = 19;
    public const ushort Timestamp = 20;
    public const ushort MarkMask = 21;
    public const ushort Labels = 22;
    public const ushort Synproxy = 24;
    public const ushort Filter = 25;
    public const ushort StatusMask = 26;
    public const ushort TimestampEvent = 27;

    // enum ctattr_tuple, ctattr_ip, ctattr_l4proto
    public const ushort TupleIp = 1;
    public const ushort TupleProto = 2;
    public const ushort TupleZone = 3;
    public const ushort IpV4Src = 1;
    public const ushort IpV4Dst = 2;
    public const ushort IpV6Src = 3;
    public const ushort IpV6Dst = 4;
    public const ushort ProtoNum = 1;
    public const ushort ProtoSrcPort = 2;
    public const ushort ProtoDstPort = 3;
    public const ushort ProtoIcmpId = 4;
    public const ushort ProtoIcmpType = 5;
    public const ushort ProtoIcmpCode = 6;
    public const ushort ProtoIcmpV6Id = 7;
    public const ushort ProtoIcmpV6Type = 8;
    public const ushort ProtoIcmpV6Code = 9;

    // CTA_PROTOINFO members
    public const ushort ProtoInfoTcp = 1;
    public const ushort ProtoInfoDccp = 2;
    public const ushort ProtoInfoSctp = 3;
    public const ushort TcpState = 1;
    public const ushort TcpWscaleOrig = 2;
    public const ushort TcpWscaleReply = 3;
    public const ushort TcpFlagsOrig = 4;
    public const ushort TcpFlagsReply = 5;
    public const ushort SctpState = 1;
    public const ushort SctpVtagOrig = 2;
    public const ushort SctpVtagReply = 3;
    public const ushort DccpState = 1;

    // nests with one or two members
    public const ushort HelpName = 1;
    public const ushort SecCtxName = 1;
    public const ushort CounterPackets = 1;
    public const ushort CounterBytes = 2;
    public const ushort Counter32Packets = 3;
    public const ushort Counter32Bytes = 4;
    public const ushort TimestampStart = 1;
    public const ushort TimestampStop = 2;
    public const ushort FilterOrigFlags = 1;
    public const ushort FilterReplyFlags = 2;

    // ctattr_stats_global
    public const ushort StatsGlobalEntries = 1;
    public const ushort StatsGlobalMax = 2;
}
