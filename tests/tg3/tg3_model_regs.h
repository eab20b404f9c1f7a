/*
 * tests/tg3/tg3_model_regs.h — the register map the tg3 device model implements, written
 * separately from drivers/tg3.h on purpose: a wrong offset or bit in the driver's header must
 * not be mirrored here, or the model would agree with the mistake. Values are from the public
 * Linux (drivers/net/ethernet/broadcom/tg3.[ch]) and iPXE (src/drivers/net/tg3/) drivers.
 * Used only by tests/tg3/tg3_model*.c; run with `make test`.
 */
#ifndef TG3_MODEL_REGS_H
#define TG3_MODEL_REGS_H

/* clang-format off */

/* PCI configuration space: standard header, then Broadcom's vendor registers. */
#define M_CFG_COMMAND             0x04
#define  M_CMD_MEMORY             0x0002
#define  M_CMD_MASTER             0x0004
#define M_CFG_CACHELINE           0x0c
#define M_CFG_CAP_PTR             0x34
#define M_CAP_PCIX                0x40 /* where the model places its capabilities */
#define M_CAP_PM                  0x48
#define M_CAP_PCIE                0xd0
#define M_CFG_MISC_HOST_CTRL      0x68
#define  M_MHC_MASK_PCI_INT       0x00000002
#define  M_MHC_WORD_SWAP          0x00000008
#define  M_MHC_INDIR_ACCESS       0x00000080
#define M_CFG_DMA_RW_CTRL         0x6c
#define M_CFG_PCISTATE            0x70
#define  M_PCISTATE_CONV_PCI      0x00000004
#define M_CFG_CLOCK_CTRL          0x74
#define M_CFG_REG_BASE            0x78
#define M_CFG_MEMWIN_BASE         0x7c
#define M_CFG_REG_DATA            0x80
#define M_CFG_MEMWIN_DATA         0x84
#define M_CFG_STD_PROD_ALIAS      0x9c /* low half of 0x98 */
#define M_CFG_RET_CONS_ALIAS      0xa4 /* low half of 0xa0 */
#define M_CFG_PRODID              0xbc
#define M_CFG_GEN2_PRODID         0xf4

/* Mailboxes (64-bit; low half at +4) and their GRC aliases at +0x5600. */
#define M_MB_INTERRUPT            0x204
#define M_MB_STD_PROD             0x26c
#define M_MB_JMB_PROD             0x274
#define M_MB_RET_CONS             0x284
#define M_MB_SEND_PROD            0x304
#define M_MB_NIC_SEND_FIRST       0x384 /* 16 of them, 8 apart, up to 0x3fc */
#define M_GRCMB_DELTA             0x5600

/* MAC. */
#define M_MAC_MODE                0x400
#define  M_MACM_HALF_DUPLEX       0x00000002
#define  M_MACM_PORT_MASK         0x0000000c
#define  M_MACM_PORT_MII          0x00000004
#define  M_MACM_PORT_GMII         0x00000008
#define  M_MACM_RXSTAT_CLEAR      0x00001000
#define  M_MACM_TXSTAT_CLEAR      0x00008000
#define  M_MACM_TDE               0x00200000
#define  M_MACM_RDE               0x00400000
#define M_MAC_STATUS              0x404
#define  M_MACS_LNKSTATE_CHANGED  0x00001000
#define  M_MACS_MI_INTERRUPT      0x00800000
#define M_MAC_EVENT               0x408
#define  M_MACE_LNKSTATE_CHANGED  0x00001000
#define M_MAC_ADDR0_HI            0x410 /* four slots, 8 bytes apart */
#define M_MAC_ADDR0_LO            0x414
#define M_MAC_RX_MTU              0x43c
#define M_MAC_MI_COM              0x44c
#define  M_MI_CMD_WRITE           0x04000000
#define  M_MI_CMD_READ            0x08000000
#define  M_MI_READ_FAILED         0x10000000
#define  M_MI_START_BUSY          0x20000000
#define M_MAC_MI_STAT             0x450
#define  M_MIST_LNK_ATTN          0x00000001
#define M_MAC_MI_MODE             0x454
#define  M_MIMODE_AUTO_POLL       0x00000010
#define M_MAC_TX_MODE             0x45c
#define  M_TXM_ENABLE             0x00000002
#define M_MAC_RX_MODE             0x468
#define  M_RXM_ENABLE             0x00000002
#define  M_RXM_PROMISC            0x00000100
#define M_MAC_HASH0               0x470 /* four registers */
#define M_MAC_TX_OCTETS           0x800 /* MAC statistics, clear on read */
#define M_MAC_TX_UCAST            0x86c
#define M_MAC_RX_OCTETS           0x880
#define M_MAC_RX_UCAST            0x88c
#define M_MAC_RX_BCAST            0x894
#define M_MAC_RX_TOO_LONG         0x8b0

/* Engine blocks: mode register, ENABLE = bit 1. */
#define M_ENABLE                  0x00000002
#define M_SNDDATAI_MODE           0x0c00
#define M_SNDDATAC_MODE           0x1000
#define M_SNDBDS_MODE             0x1400
#define M_SNDBDI_MODE             0x1800
#define M_SNDBDC_MODE             0x1c00
#define M_RCVLPC_MODE             0x2000
#define M_RCVLPC_NO_BD            0x224c /* clear on read */
#define M_RCVLPC_DISCARDS         0x2250
#define M_RCVLPC_ERRORS           0x2254
#define M_RCVDBDI_MODE            0x2400
#define  M_RCVDBDI_LRG_RING       0x00010000
#define M_RCVDBDI_JMB_RCB         0x2440 /* host addr hi, lo, maxlen/flags, NIC addr */
#define M_RCVDBDI_STD_RCB         0x2450
#define M_RCVDCC_MODE             0x2800
#define M_RCVBDI_MODE             0x2c00
#define M_RCVCC_MODE              0x3000
#define M_RCVLSC_MODE             0x3400
#define M_MBFREE_MODE             0x3800
#define M_HOSTCC_MODE             0x3c00
#define  M_HCC_NOW                0x00000008
#define  M_HCC_32BYTE             0x00000100
#define  M_HCC_64BYTE             0x00000080
#define M_HOSTCC_RX_TICKS         0x3c08
#define M_HOSTCC_TX_TICKS         0x3c0c
#define M_HOSTCC_RX_FRAMES        0x3c10
#define M_HOSTCC_TX_FRAMES        0x3c14
#define M_HOSTCC_STAT_TICKS       0x3c28
#define M_HOSTCC_STATS_ADDR       0x3c30
#define M_HOSTCC_STATUS_ADDR      0x3c38
#define M_MEMARB_MODE             0x4000
#define M_BUFMGR_MODE             0x4400
#define M_BUFMGR_POOL_ADDR        0x4408
#define M_BUFMGR_POOL_SIZE        0x440c
#define M_BUFMGR_DESC_ADDR        0x442c
#define M_BUFMGR_DESC_SIZE        0x4430
#define M_RDMAC_MODE              0x4800
#define M_WDMAC_MODE              0x4c00
#define M_DMAC_MODE               0x6400

/* GRC. */
#define M_GRC_MODE                0x6800
#define  M_GRCM_BSWAP_NONFRM      0x00000002
#define  M_GRCM_WSWAP_NONFRM      0x00000004
#define  M_GRCM_BSWAP_DATA        0x00000010
#define  M_GRCM_WSWAP_DATA        0x00000020
#define  M_GRCM_HOST_SENDBDS      0x00020000
#define  M_GRCM_4X_NIC_SEND       0x20000000
#define M_GRC_MISC_CFG            0x6804
#define  M_GRCMISC_CORECLK_RESET  0x00000001
#define M_GRC_RX_CPU_EVENT        0x6810
#define  M_RXCPU_DRIVER_EVENT     0x00004000

/* NIC SRAM. */
#define M_SRAM_SEND_RCB           0x0100
#define M_SRAM_RET_RCB            0x0200
#define M_SRAM_FW_MBOX            0x0b50
#define  M_FW_MAGIC               0x4b657654
#define M_SRAM_DATA_SIG           0x0b54
#define M_SRAM_DATA_CFG           0x0b58
#define  M_DATACFG_PHY_COPPER     0x00000010
#define  M_DATACFG_ASF            0x00000080
#define M_SRAM_FW_CMD             0x0b78
#define  M_FWCMD_PAUSE            0x00000002
#define M_SRAM_MAC_HI             0x0c14
#define M_SRAM_MAC_LO             0x0c18
#define M_RCB_FLAG_EXT            0x00000001
#define M_RCB_FLAG_DISABLED       0x00000002

/* Descriptor fields. */
#define M_TXD_END                 0x0004
#define M_TXD_JMB_PKT             0x0008
#define M_RXD_END                 0x0004
#define M_RXD_JUMBO               0x0020
#define M_STATUS_UPDATED          0x00000001
#define M_STATUS_LINK_CHG         0x00000002

/* clang-format on */

#endif
