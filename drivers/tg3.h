/*
 * drivers/tg3.h — Broadcom NetXtreme (Tigon3, BCM57xx) registers, bits and DMA structures
 * used by drivers/tg3*.c. Each register is followed by its bits, indented one space.
 *
 * Facts from the public Linux and iPXE tg3 drivers and Broadcom's published programmer's
 * reference; only what the Porto driver touches is listed. Test: `make test` runs
 * tests/tg3/ (the driver against a register-level model of the chip); see docs/tg3.md.
 */
#ifndef PORTO_TG3_H
#define PORTO_TG3_H

#include <stdint.h>

/* Bits stay indented one space under their register (iPXE style). */
/* clang-format off */

#define TG3_VENDOR_BROADCOM                 0x14e4

/* ---- PCI configuration space (the first 256 bytes of BAR0 mirror it) ---- */
#define TG3_PCI_CACHELINE_LAT               0x0c /* cache line (byte 0), latency (byte 1) */
#define TG3_PCI_CAP_PTR                     0x34
#define TG3_PCI_CAP_ID_PCIX                 0x07
#define TG3_PCI_CAP_ID_PCIE                 0x10
#define TG3_PCIX_CMD                        0x02 /* 16-bit, inside the PCI-X capability */
#define  TG3_PCIX_CMD_ERO                   0x0002
#define  TG3_PCIX_CMD_MAX_READ              0x000c
#define  TG3_PCIX_CMD_READ_2K               0x0008
#define  TG3_PCIX_CMD_MAX_SPLIT             0x0070
#define TG3_PCIE_DEVCTL                     0x08 /* 16-bit, inside the PCI Express capability */
#define  TG3_PCIE_DEVCTL_RELAX_EN           0x0010
#define  TG3_PCIE_DEVCTL_PAYLOAD            0x00e0
#define  TG3_PCIE_DEVCTL_NOSNOOP_EN         0x0800
#define TG3_PCIE_DEVSTA                     0x0a
#define  TG3_PCIE_DEVSTA_ERRORS             0x000f /* correctable, non-fatal, fatal, unsupported */
#define TG3_PCIE_LNKCTL                     0x10 /* 16-bit, inside the PCI Express capability */
#define  TG3_PCIE_LNKCTL_CLKREQ_EN          0x0100

#define TG3PCI_MSI_DATA                     0x64
#define TG3PCI_MISC_HOST_CTRL               0x68
#define  MISC_HOST_CTRL_CLEAR_INT           0x00000001
#define  MISC_HOST_CTRL_MASK_PCI_INT        0x00000002
#define  MISC_HOST_CTRL_BYTE_SWAP           0x00000004
#define  MISC_HOST_CTRL_WORD_SWAP           0x00000008
#define  MISC_HOST_CTRL_PCISTATE_RW         0x00000010
#define  MISC_HOST_CTRL_CLKREG_RW           0x00000020
#define  MISC_HOST_CTRL_INDIR_ACCESS        0x00000080
#define  MISC_HOST_CTRL_TAGGED_STATUS       0x00000200
#define  MISC_HOST_CTRL_CHIPREV             0xffff0000
#define  MISC_HOST_CTRL_CHIPREV_SHIFT       16
#define TG3PCI_DMA_RW_CTRL                  0x6c
#define  DMA_RWCTRL_DIS_CACHE_ALIGNMENT     0x00000001
#define  DMA_RWCTRL_TAGGED_STAT_WA          0x00000080
#define  DMA_RWCTRL_WRITE_BNDRY_MASK        0x00003800
#define  DMA_RWCTRL_WRITE_BNDRY_16          0x00000800
#define  DMA_RWCTRL_ONE_DMA                 0x00004000
#define  DMA_RWCTRL_READ_WATER_SHIFT        16
#define  DMA_RWCTRL_WRITE_WATER_SHIFT       19
#define  DMA_RWCTRL_USE_MEM_READ_MULT       0x00400000
#define  DMA_RWCTRL_ASSERT_ALL_BE           0x00800000
#define  DMA_RWCTRL_PCI_READ_CMD_SHIFT      24
#define  DMA_RWCTRL_PCI_WRITE_CMD_SHIFT     28
#define TG3PCI_PCISTATE                     0x70
#define  PCISTATE_CONV_PCI_MODE             0x00000004 /* set: conventional PCI, clear: PCI-X */
#define  PCISTATE_BUS_SPEED_HIGH            0x00000008
#define  PCISTATE_BUS_32BIT                 0x00000010
#define  PCISTATE_ROM_ENABLE                0x00000020
#define  PCISTATE_ROM_RETRY_ENABLE          0x00000040
#define  PCISTATE_RETRY_SAME_DMA            0x00002000
#define TG3PCI_CLOCK_CTRL                   0x74
#define  CLOCK_CTRL_ALTCLK                  0x00001000
#define  CLOCK_CTRL_44MHZ_CORE              0x00040000
#define  CLOCK_CTRL_625_CORE                0x00100000
#define  CLOCK_CTRL_FORCE_CLKRUN            0x00200000
#define  CLOCK_CTRL_CLKRUN_OENABLE          0x00400000
#define  CLOCK_CTRL_DELAY_PCI_GRANT         0x80000000
#define TG3PCI_REG_BASE_ADDR                0x78 /* indirect register window: address */
#define TG3PCI_MEM_WIN_BASE_ADDR            0x7c /* NIC SRAM window: address */
#define TG3PCI_REG_DATA                     0x80 /* indirect register window: data */
#define TG3PCI_MEM_WIN_DATA                 0x84 /* NIC SRAM window: data */
#define TG3PCI_STD_RING_PROD_IDX            0x98 /* config alias: std producer mailbox */
#define TG3PCI_RCV_RET_RING_CON_IDX         0xa0 /* config-space alias of return consumer mailbox */
#define TG3PCI_PRODID_ASICREV               0xbc
#define TG3PCI_GEN2_PRODID_ASICREV          0xf4 /* 5717, 5718, 5719, 5720 */

/* Chip revision: MISC_HOST_CTRL[31:16], or the product-ID register when ASIC rev is 0xf. */
#define TG3_ASIC_REV(id)                    ((id) >> 12)
#define TG3_CHIP_REV(id)                    ((id) >> 8)
#define  ASIC_REV_5700                      0x07
#define  ASIC_REV_5701                      0x00
#define  ASIC_REV_5703                      0x01 /* 5702 and 5703 */
#define  ASIC_REV_5704                      0x02
#define  ASIC_REV_5705                      0x03
#define  ASIC_REV_5750                      0x04 /* 5721, 5750, 5751 */
#define  ASIC_REV_5752                      0x06
#define  ASIC_REV_5780                      0x08
#define  ASIC_REV_5714                      0x09 /* 5714, 5715 */
#define  ASIC_REV_5755                      0x0a /* 5722 among others */
#define  ASIC_REV_USE_PROD_ID_REG           0x0f
#define  ASIC_REV_5761                      0x5761
#define  ASIC_REV_5717                      0x5717 /* 5717, 5718 */
#define  ASIC_REV_5719                      0x5719
#define  ASIC_REV_5720                      0x5720
#define  CHIPREV_5700_AX                    0x70
#define  CHIPREV_5700_BX                    0x71
#define  CHIPREV_5704_BX                    0x21
#define  CHIPREV_ID_5701_A0                 0x0000
#define  CHIPREV_ID_5701_B0                 0x0100
#define  CHIPREV_ID_5701_B2                 0x0102
#define  CHIPREV_ID_5701_B5                 0x0105
#define  CHIPREV_ID_5704_A0                 0x2000
#define  CHIPREV_ID_5705_A0                 0x3000
#define  CHIPREV_ID_5750_A0                 0x4000
#define  CHIPREV_ID_5717_C0                 0x05717200 /* programmed as a 5720 A0 */
#define  CHIPREV_ID_5719_A0                 0x05719000
#define  CHIPREV_ID_5720_A0                 0x05720000

/* ---- Mailboxes: 64-bit registers, the driver writes the low half (+4) ---- */
#define TG3_64BIT_REG_HIGH                  0x0
#define TG3_64BIT_REG_LOW                   0x4
#define MAILBOX_INTERRUPT_0                 0x200 /* non-zero: the chip raises no interrupt */
#define MAILBOX_RCV_STD_PROD_IDX            0x268
#define MAILBOX_RCV_JUMBO_PROD_IDX          0x270
#define MAILBOX_RCVRET_CON_IDX_0            0x280
#define MAILBOX_SNDHOST_PROD_IDX_0          0x300
#define MAILBOX_SNDNIC_PROD_IDX_0           0x380  /* 16 of them, 8 bytes apart (5700-5704 only) */
#define GRCMBOX_BASE                        0x5600 /* mailbox + this = its GRC alias */

/* ---- MAC ---- */
#define MAC_MODE                            0x400
#define  MAC_MODE_HALF_DUPLEX               0x00000002
#define  MAC_MODE_PORT_MODE_MASK            0x0000000c
#define  MAC_MODE_PORT_MODE_GMII            0x00000008
#define  MAC_MODE_PORT_MODE_MII             0x00000004
#define  MAC_MODE_LINK_POLARITY             0x00000400
#define  MAC_MODE_RXSTAT_ENABLE             0x00000800
#define  MAC_MODE_RXSTAT_CLEAR              0x00001000
#define  MAC_MODE_TXSTAT_ENABLE             0x00004000
#define  MAC_MODE_TXSTAT_CLEAR              0x00008000
#define  MAC_MODE_TDE_ENABLE                0x00200000 /* transmit DMA engine */
#define  MAC_MODE_RDE_ENABLE                0x00400000 /* receive DMA engine */
#define  MAC_MODE_FHDE_ENABLE               0x00800000 /* frame header DMA engine */
#define  MAC_MODE_APE_RX_EN                 0x08000000 /* the APE sees received frames */
#define  MAC_MODE_APE_TX_EN                 0x10000000 /* and may transmit */
#define MAC_STATUS                          0x404
#define  MAC_STATUS_SYNC_CHANGED            0x00000010
#define  MAC_STATUS_CFG_CHANGED             0x00000008
#define  MAC_STATUS_LNKSTATE_CHANGED        0x00001000
#define  MAC_STATUS_MI_COMPLETION           0x00400000
#define MAC_EVENT                           0x408
#define  MAC_EVENT_LNKSTATE_CHANGED         0x00001000
#define MAC_LED_CTRL                        0x40c
#define  LED_CTRL_MODE_MAC                  0x00000000
#define  LED_CTRL_MODE_PHY_1                0x00000800
#define  LED_CTRL_MODE_PHY_2                0x00001000
#define MAC_ADDR_0_HIGH                     0x410 /* 4 slots, 8 apart; bytes 0-1 */
#define MAC_ADDR_0_LOW                      0x414 /* bytes 2-5 */
#define MAC_TX_BACKOFF_SEED                 0x438
#define  TX_BACKOFF_SEED_MASK               0x000003ff
#define MAC_RX_MTU_SIZE                     0x43c /* largest frame accepted, FCS included */
#define MAC_MI_COM                          0x44c
#define  MI_COM_CMD_WRITE                   0x04000000
#define  MI_COM_CMD_READ                    0x08000000
#define  MI_COM_READ_FAILED                 0x10000000
#define  MI_COM_BUSY                        0x20000000 /* START when written */
#define  MI_COM_PHY_ADDR_SHIFT              21
#define  MI_COM_REG_ADDR_SHIFT              16
#define  MI_COM_DATA_MASK                   0x0000ffff
#define MAC_MI_STAT                         0x450
#define  MAC_MI_STAT_LNKSTAT_ATTN_ENAB      0x00000001
#define MAC_MI_MODE                         0x454
#define  MAC_MI_MODE_AUTO_POLL              0x00000010
#define  MAC_MI_MODE_500KHZ_CONST           0x00008000
#define  MAC_MI_MODE_BASE                   0x000c0000
#define MAC_TX_MODE                         0x45c
#define  TX_MODE_ENABLE                     0x00000002
#define  TX_MODE_MBUF_LOCKUP_FIX            0x00000100
#define  TX_MODE_JMB_FRM_LEN                0x00400000
#define  TX_MODE_CNT_DN_MODE                0x00800000
#define MAC_TX_LENGTHS                      0x464
#define  TX_LENGTHS_SLOT_TIME_SHIFT         0
#define  TX_LENGTHS_IPG_SHIFT               8
#define  TX_LENGTHS_IPG_CRS_SHIFT           12
#define  TX_LENGTHS_JMB_FRM_LEN_MSK         0x00ff0000
#define  TX_LENGTHS_CNT_DWN_VAL_MSK         0xff000000
#define MAC_RX_MODE                         0x468
#define  RX_MODE_ENABLE                     0x00000002
#define  RX_MODE_PROMISC                    0x00000100
#define  RX_MODE_KEEP_VLAN_TAG              0x00000400
#define  RX_MODE_IPV6_CSUM_ENABLE           0x01000000
#define MAC_HASH_REG_0                      0x470 /* 4 registers: 128-bit multicast hash */
#define MAC_RCV_RULE_0                      0x480 /* 16 rule/value pairs, 8 bytes apart */
#define MAC_RCV_VALUE_0                     0x484
#define  RCV_RULE_DISABLE_MASK              0x7fffffff
#define MAC_RCV_RULE_CFG                    0x500
#define  RCV_RULE_CFG_DEFAULT_CLASS         0x00000008
#define MAC_LOW_WMARK_MAX_RX_FRAME          0x504
#define MAC_EXTADDR_0_HIGH                  0x530 /* 12 extra slots on 5703/5704 */
#define MAC_EXTADDR_0_LOW                   0x534

/* ---- Send and receive engine blocks: each has a mode register with ENABLE = bit 1 ---- */
#define TG3_MODE_ENABLE                     0x00000002
#define SNDDATAI_MODE                       0xc00
#define SNDDATAI_STATSCTRL                  0xc08
#define  SNDDATAI_SCTRL_ENABLE              0x00000001
#define  SNDDATAI_SCTRL_FASTUPD             0x00000002
#define SNDDATAI_STATSENAB                  0xc0c
#define SNDDATAC_MODE                       0x1000
#define  SNDDATAC_MODE_CDELAY               0x00000010
#define SNDBDS_MODE                         0x1400
#define  SNDBDS_MODE_ATTN_ENABLE            0x00000004
#define SNDBDI_MODE                         0x1800
#define  SNDBDI_MODE_ATTN_ENABLE            0x00000004
#define SNDBDC_MODE                         0x1c00
#define  SNDBDC_MODE_ATTN_ENABLE            0x00000004
#define RCVLPC_MODE                         0x2000
#define RCVLPC_CONFIG                       0x2010
#define RCVLPC_STATSCTRL                    0x2014
#define  RCVLPC_STATSCTRL_ENABLE            0x00000001
#define RCVLPC_STATS_ENABLE                 0x2018
#define  RCVLPC_STATSENAB_DACK_FIX          0x00040000
#define RCVLPC_NO_RCV_BD_CNT                0x224c /* no buffer: dropped (clears on read) */
#define RCVLPC_IN_DISCARDS_CNT              0x2250 /* discarded (clears on read) */
#define RCVLPC_IN_ERRORS_CNT                0x2254
#define RCVDBDI_MODE                        0x2400
#define  RCVDBDI_MODE_INV_RING_SZ           0x00000010
#define  RCVDBDI_MODE_LRG_RING_SZ           0x00010000
#define RCVDBDI_JUMBO_BD                    0x2440 /* producer ring control blocks */
#define RCVDBDI_STD_BD                      0x2450
#define RCVDBDI_MINI_BD                     0x2460
#define RCVDCC_MODE                         0x2800
#define  RCVDCC_MODE_ATTN_ENABLE            0x00000004
#define RCVBDI_MODE                         0x2c00
#define  RCVBDI_MODE_RCB_ATTN_ENAB          0x00000004
#define RCVBDI_STD_THRESH                   0x2c18
#define RCVBDI_JUMBO_THRESH                 0x2c1c
#define STD_REPLENISH_LWM                   0x2d00
#define JMB_REPLENISH_LWM                   0x2d04
#define RCVCC_MODE                          0x3000
#define  RCVCC_MODE_ATTN_ENABLE             0x00000004
#define RCVLSC_MODE                         0x3400
#define  RCVLSC_MODE_ATTN_ENABLE            0x00000004
#define TG3_CPMU_D0_CLCK_POLICY             0x3614
#define TG3_CPMU_CLCK_ORIDE                 0x3624
#define  CPMU_CLCK_ORIDE_MAC_ORIDE_EN       0x80000000
#define TG3_CPMU_CLCK_ORIDE_EN              0x3628
#define  CPMU_CLCK_ORIDE_MAC_CLCK_ORIDE_EN  0x00002000 /* 5717: run the MAC clock at full speed */
#define TG3_CPMU_STATUS                     0x362c
#define  TG3_CPMU_STATUS_FMSK_5717          0x20000000 /* port (function) number on 5717 */
#define  TG3_CPMU_STATUS_FMSK_5719          0xc0000000 /* on 5719, 5720 */
#define  TG3_CPMU_STATUS_FSHFT_5719         30
#define MBFREE_MODE                         0x3800

/* ---- Host coalescing: writes the status block into host memory ---- */
#define HOSTCC_MODE                         0x3c00
#define  HOSTCC_MODE_ENABLE                 0x00000002
#define  HOSTCC_MODE_NOW                    0x00000008
#define  HOSTCC_MODE_32BYTE                 0x00000100
#define HOSTCC_RXCOL_TICKS                  0x3c08
#define HOSTCC_TXCOL_TICKS                  0x3c0c
#define HOSTCC_RXMAX_FRAMES                 0x3c10
#define HOSTCC_TXMAX_FRAMES                 0x3c14
#define HOSTCC_RXCOAL_TICK_INT              0x3c18 /* 5700-5704 only */
#define HOSTCC_TXCOAL_TICK_INT              0x3c1c /* 5700-5704 only */
#define HOSTCC_RXCOAL_MAXF_INT              0x3c20
#define HOSTCC_TXCOAL_MAXF_INT              0x3c24
#define HOSTCC_STAT_COAL_TICKS              0x3c28 /* 5700-5704: 0 = no stats DMA */
#define HOSTCC_STATUS_BLK_HOST_ADDR         0x3c38 /* 64-bit */
#define HOSTCC_STATUS_BLK_NIC_ADDR          0x3c44 /* 5700-5704 only */

/* ---- Memory arbiter, buffer manager, DMA engines ---- */
#define MEMARB_MODE                         0x4000
#define  MEMARB_MODE_ENABLE                 0x00000002
#define BUFMGR_MODE                         0x4400
#define  BUFMGR_MODE_ENABLE                 0x00000002
#define  BUFMGR_MODE_ATTN_ENABLE            0x00000004
#define  BUFMGR_MODE_MBLOW_ATTN_ENAB        0x00000010
#define  BUFMGR_MODE_NO_TX_UNDERRUN         0x80000000
#define BUFMGR_MB_POOL_ADDR                 0x4408
#define BUFMGR_MB_POOL_SIZE                 0x440c
#define BUFMGR_MB_RDMA_LOW_WATER            0x4410
#define BUFMGR_MB_MACRX_LOW_WATER           0x4414
#define BUFMGR_MB_HIGH_WATER                0x4418
#define BUFMGR_DMA_DESC_POOL_ADDR           0x442c
#define BUFMGR_DMA_DESC_POOL_SIZE           0x4430
#define BUFMGR_DMA_LOW_WATER                0x4434
#define BUFMGR_DMA_HIGH_WATER               0x4438
#define RDMAC_MODE                          0x4800
#define  RDMAC_MODE_ERROR_ENABLES           0x000003fc /* abort, parity, FIFO, length */
#define  RDMAC_MODE_FIFO_LONG_BURST         0x00030000
#define  RDMAC_MODE_MULT_DMA_RD_DIS         0x01000000
#define  RDMAC_MODE_H2BNC_VLAN_DET          0x20000000
#define TG3_RDMA_RSRVCTRL_REG               0x4900
#define  TG3_RDMA_RSRVCTRL_FIFO_OFLW_FIX    0x00000004
#define  TG3_RDMA_RSRVCTRL_FIFO_LWM_1_5K    0x00000c00
#define  TG3_RDMA_RSRVCTRL_FIFO_LWM_MASK    0x00000ff0
#define  TG3_RDMA_RSRVCTRL_FIFO_HWM_1_5K    0x000c0000
#define  TG3_RDMA_RSRVCTRL_FIFO_HWM_MASK    0x000ff000
#define  TG3_RDMA_RSRVCTRL_TXMRGN_320B      0x28000000
#define  TG3_RDMA_RSRVCTRL_TXMRGN_MASK      0xffe00000
#define TG3_LSO_RD_DMA_CRPTEN_CTRL          0x4910
#define  TG3_LSO_RD_DMA_CRPTEN_CTRL_BLEN_BD_4K 0x00030000
#define  TG3_LSO_RD_DMA_CRPTEN_CTRL_BLEN_LSO_4K 0x000c0000
#define  TG3_LSO_RD_DMA_TX_LENGTH_WA_5719   0x02000000
#define  TG3_LSO_RD_DMA_TX_LENGTH_WA_5720   0x00200000
#define TG3_RDMA_LENGTH                     0x4be0 /* 4 channels, 4 bytes apart (5719, 5720) */
#define  TG3_NUM_RDMA_CHANNELS              4
#define WDMAC_MODE                          0x4c00
#define  WDMAC_MODE_ERROR_ENABLES           0x000003fc
#define  WDMAC_MODE_STATUS_TAG_FIX          0x20000000
#define FTQ_RESET                           0x5c00 /* flow-through queues: ~0, then 0 */
#define DMAC_MODE                           0x6400 /* 5700-5704 only */

/* ---- GRC (global resources) ---- */
#define GRC_MODE                            0x6800
#define  GRC_MODE_BSWAP_NONFRM_DATA         0x00000002 /* byte-swap descriptors, status block */
#define  GRC_MODE_WSWAP_NONFRM_DATA         0x00000004 /* word-swap them */
#define  GRC_MODE_BSWAP_DATA                0x00000010 /* byte-swap frame data */
#define  GRC_MODE_WSWAP_DATA                0x00000020 /* word-swap frame data */
#define  GRC_MODE_BSWAP_B2HRX_DATA          0x00000040 /* 5720: set by the bootcode, kept */
#define  GRC_MODE_WSWAP_B2HRX_DATA          0x00000080
#define  GRC_MODE_B2HRX_ENABLE              0x00008000
#define  GRC_MODE_HTX2B_ENABLE              0x00040000
#define  GRC_MODE_HOST_STACKUP              0x00010000
#define  GRC_MODE_HOST_SENDBDS              0x00020000 /* send descriptors live in host memory */
#define  GRC_MODE_NO_TX_PHDR_CSUM           0x00100000
#define  GRC_MODE_NO_RX_PHDR_CSUM           0x00800000
#define  GRC_MODE_IRQ_ON_MAC_ATTN           0x04000000
#define GRC_MISC_CFG                        0x6804
#define  GRC_MISC_CFG_CORECLK_RESET         0x00000001
#define  GRC_MISC_CFG_PRESCALAR_MASK        0x000000fe
#define  GRC_MISC_CFG_PRESCALAR_SHIFT       1
#define  GRC_MISC_CFG_PCIE_RESET_BIT        0x20000000 /* set with the reset on PCIe parts */
#define  GRC_MISC_CFG_KEEP_GPHY_POWER       0x04000000
#define GRC_LOCAL_CTRL                      0x6808
#define  GRC_LCLCTRL_INT_ON_ATTN            0x00000008
#define  GRC_LCLCTRL_GPIO_UART_SEL          0x00000010
#define  GRC_LCLCTRL_GPIO_OE0               0x00000800
#define  GRC_LCLCTRL_GPIO_OE1               0x00001000
#define  GRC_LCLCTRL_GPIO_OE3               0x00000040
#define  GRC_LCLCTRL_GPIO_OUTPUT3           0x00000080
#define  GRC_LCLCTRL_GPIO_OE2               0x00002000
#define  GRC_LCLCTRL_GPIO_OUTPUT0           0x00004000
#define  GRC_LCLCTRL_GPIO_OUTPUT1           0x00008000
#define  GRC_LCLCTRL_GPIO_OUTPUT2           0x00010000
#define  GRC_LCLCTRL_AUTO_SEEPROM           0x01000000
#define GRC_RX_CPU_EVENT                    0x6810
#define  GRC_RX_CPU_DRIVER_EVENT            0x00004000
#define GRC_FASTBOOT_PC                     0x6894 /* 5752, 5755 and later */
#define NVRAM_SWARB                         0x7020 /* NVRAM arbitration: driver = requester 1 */
#define  SWARB_REQ_SET1                     0x00000002
#define  SWARB_REQ_CLR1                     0x00000020
#define  SWARB_GNT1                         0x00000200
#define TG3_PCIE_PHY_TSTCTL                 0x7e2c
#define  TG3_PCIE_PHY_TSTCTL_PCIE10         0x00000040
#define  TG3_PCIE_PHY_TSTCTL_PSCRAM         0x00000020
#define TG3_PCIE_TLDLPL_PORT                0x7c00
#define  TG3_PCIE_TL_TRANSACTION_FIX        0x02000000 /* bit 25, set after reset on PCIe parts */

/* ---- NIC SRAM (reached through the config-space memory window) ---- */
#define NIC_SRAM_SEND_RCB                   0x0100 /* 16 send ring control blocks */
#define NIC_SRAM_RCV_RET_RCB                0x0200 /* 16 return ring control blocks */
#define NIC_SRAM_STATS_BLK                  0x0300
#define NIC_SRAM_STATUS_BLK                 0x0b00
#define NIC_SRAM_FIRMWARE_MBOX              0x0b50
#define  NIC_SRAM_FIRMWARE_MBOX_MAGIC1      0x4b657654 /* bootcode answers ~magic */
#define NIC_SRAM_DATA_SIG                   0x0b54
#define  NIC_SRAM_DATA_SIG_MAGIC            0x4b657654
#define NIC_SRAM_DATA_CFG                   0x0b58
#define  NIC_SRAM_DATA_CFG_LED_MODE_MASK    0x0000000c
#define  NIC_SRAM_DATA_CFG_LED_MODE_MAC     0x00000000
#define  NIC_SRAM_DATA_CFG_LED_MODE_PHY_2   0x00000008
#define  NIC_SRAM_DATA_CFG_PHY_TYPE_MASK    0x00000030
#define  NIC_SRAM_DATA_CFG_PHY_TYPE_FIBER   0x00000020
#define  NIC_SRAM_DATA_CFG_ASF_ENABLE       0x00000080
#define  NIC_SRAM_DATA_CFG_EEPROM_WP        0x00000100 /* set on LAN-on-motherboard designs */
#define  NIC_SRAM_DATA_CFG_APE_ENABLE       0x00200000
#define NIC_SRAM_FW_CMD_MBOX                0x0b78
#define  FWCMD_NICDRV_PAUSE_FW              0x00000002
#define  FWCMD_NICDRV_ALIVE3                0x0000000e /* heartbeat */
#define NIC_SRAM_FW_CMD_LEN_MBOX            0x0b7c
#define NIC_SRAM_FW_CMD_DATA_MBOX           0x0b80
#define NIC_SRAM_FW_DRV_STATE_MBOX          0x0c04 /* ASF (5750 and later): what the driver does */
#define  DRV_STATE_START                    0x00000001
#define  DRV_STATE_START_DONE               0x80000001
#define  DRV_STATE_UNLOAD                   0x00000002
#define  DRV_STATE_UNLOAD_DONE              0x80000002
#define NIC_SRAM_MAC_ADDR_HIGH_MBOX         0x0c14 /* 0x484b ("HK") << 16 | bytes 0-1 */
#define  NIC_SRAM_MAC_ADDR_SIG              0x484b
#define NIC_SRAM_MAC_ADDR_LOW_MBOX          0x0c18
#define NIC_SRAM_CPMU_STATUS                0x0e00 /* bootcode's copy of TG3_CPMU_STATUS */
#define  NIC_SRAM_CPMUSTAT_SIG              0x0000362c
#define  NIC_SRAM_CPMUSTAT_SIG_MSK          0x0000ffff
#define NIC_SRAM_DMA_DESC_POOL_BASE         0x2000
#define  NIC_SRAM_DMA_DESC_POOL_SIZE        0x2000
#define NIC_SRAM_TX_BUFFER_DESC             0x4000
#define NIC_SRAM_RX_BUFFER_DESC             0x6000
#define NIC_SRAM_RX_JUMBO_BUFFER_DESC       0x7000
#define NIC_SRAM_MBUF_POOL_BASE             0x8000
#define  NIC_SRAM_MBUF_POOL_SIZE96          0x18000
#define  NIC_SRAM_MBUF_POOL_SIZE64          0x10000

/* Ring control block (in SRAM for send/return rings, in registers for producer rings). */
#define TG3_BDINFO_HOST_ADDR                0x0 /* 64-bit */
#define TG3_BDINFO_MAXLEN_FLAGS             0x8
#define  BDINFO_FLAGS_USE_EXT_RECV          0x00000001 /* 64-byte extended receive descriptors */
#define  BDINFO_FLAGS_DISABLED              0x00000002
#define  BDINFO_FLAGS_MAXLEN_SHIFT          16
#define TG3_BDINFO_NIC_ADDR                 0xc
#define TG3_BDINFO_SIZE                     0x10

/* Ring sizes fixed by the hardware. */
#define TG3_TX_RING_SIZE                    512
#define TG3_RX_STD_RING_SIZE                512
#define TG3_RX_STD_RING_SIZE_5717           2048
#define TG3_RX_JMB_RING_SIZE                256
#define TG3_RX_JMB_RING_SIZE_5717           1024
#define TG3_RX_RET_RING_SIZE_5700           1024
#define TG3_RX_RET_RING_SIZE_5705           512
#define TG3_RX_RET_RING_SIZE_5717           4096
#define TG3_RX_STD_DMA_SZ                   1536 /* standard receive buffer */
#define TG3_RX_JMB_DMA_SZ                   9046 /* jumbo receive buffer */

/* ---- APE (management processor on 5717-5720 and 5761), its own register BAR 2 ---- */
#define TG3_APE_EVENT                       0x000c
#define  APE_EVENT_1                        0x00000001
#define TG3_APE_LOCK_REQ                    0x002c /* 5761; 5717 and later use the PER_ ones */
#define TG3_APE_LOCK_GRANT                  0x004c
#define  APE_LOCK_REQ_DRIVER                0x00001000
#define  APE_LOCK_GRANT_DRIVER              0x00001000
#define TG3_APE_SEG_SIG                     0x4000
#define  APE_SEG_SIG_MAGIC                  0x41504521
#define TG3_APE_FW_STATUS                   0x400c
#define  APE_FW_STATUS_READY                0x00000100
#define TG3_APE_HOST_SEG_SIG                0x4200
#define  APE_HOST_SEG_SIG_MAGIC             0x484f5354
#define TG3_APE_HOST_SEG_LEN                0x4204
#define  APE_HOST_SEG_LEN_MAGIC             0x00000020
#define TG3_APE_HOST_INIT_COUNT             0x4208
#define TG3_APE_HOST_DRIVER_ID              0x420c
#define TG3_APE_HOST_BEHAVIOR               0x4210
#define  APE_HOST_BEHAV_NO_PHYLOCK          0x00000001
#define TG3_APE_HOST_HEARTBEAT_INT_MS       0x4214
#define TG3_APE_HOST_DRVR_STATE             0x421c
#define  TG3_APE_HOST_DRVR_STATE_START      0x00000001
#define  TG3_APE_HOST_DRVR_STATE_UNLOAD     0x00000002
#define TG3_APE_EVENT_STATUS                0x4300
#define  APE_EVENT_STATUS_DRIVER_EVNT       0x00000010
#define  APE_EVENT_STATUS_STATE_CHNGE       0x00000500
#define  APE_EVENT_STATUS_STATE_START       0x00010000
#define  APE_EVENT_STATUS_STATE_UNLOAD      0x00020000
#define  APE_EVENT_STATUS_EVENT_PENDING     0x80000000
#define TG3_APE_PER_LOCK_REQ                0x8400
#define TG3_APE_PER_LOCK_GRANT              0x8420
#define TG3_APE_LOCK_PHY0                   0
#define TG3_APE_LOCK_GRC                    1
#define TG3_APE_LOCK_PHY1                   2
#define TG3_APE_LOCK_PHY2                   3
#define TG3_APE_LOCK_MEM                    4
#define TG3_APE_LOCK_PHY3                   5

/* clang-format on */

/* ---- Descriptors and the status block, as the host sees them with the GRC_MODE swap
 * settings the driver uses on a little-endian machine. ---- */
struct tg3_tx_bd {
    uint32_t addr_hi, addr_lo;
    uint32_t len_flags; /* length << 16 | TXD_FLAG_* */
    uint32_t vlan_tag;
};
#define TXD_FLAG_END     0x0004
#define TXD_FLAG_JMB_PKT 0x0008 /* frame above 1518 bytes (5717 and later) */
#define TXD_LEN_SHIFT    16

struct tg3_rx_bd {
    uint32_t addr_hi, addr_lo;
    uint32_t idx_len;    /* index << 16 | length (return ring: frame length with FCS) */
    uint32_t type_flags; /* type << 16 | RXD_FLAG_* */
    uint32_t ip_tcp_csum;
    uint32_t err_vlan; /* RXD_ERR_* | VLAN tag */
    uint32_t reserved;
    uint32_t opaque; /* copied from the producer descriptor to the return descriptor */
};
#define RXD_LEN_MASK                0x0000ffff
#define RXD_FLAG_END                0x0004
#define RXD_FLAG_JUMBO              0x0020
#define RXD_ERR_ODD_NIBBLE_RCVD_MII 0x00100000
/* The eight error bits Linux checks (bad CRC, collision, link lost, PHY decode, MAC abort,
 * too small, no resources, huge frame); others are not errors. */
#define RXD_ERR_MASK          0x01ef0000
#define RXD_OPAQUE_INDEX_MASK 0x0000ffff
#define RXD_OPAQUE_RING_STD   0x00010000
#define RXD_OPAQUE_RING_JUMBO 0x00020000
#define RXD_OPAQUE_RING_MASK  0x00070000

/* Jumbo producer ring entries: three extra buffer addresses, then a standard descriptor. */
struct tg3_ext_rx_bd {
    uint32_t addrlist[6];
    uint32_t len2_len1, resv_len3;
    struct tg3_rx_bd std;
};

#define TG3_STATUS_BLOCK_SIZE 0x50
struct tg3_status_block {
    uint32_t status;
    uint32_t status_tag;
    uint16_t rx_jumbo_consumer, rx_consumer;
    uint16_t rx_mini_consumer, reserved;
    struct {
        uint16_t rx_producer, tx_consumer;
    } idx[16];
};
#define SD_STATUS_UPDATED  0x00000001
#define SD_STATUS_LINK_CHG 0x00000002
#define SD_STATUS_ERROR    0x00000004

/* ---- PHY (IEEE 802.3 clause 22 plus Broadcom extensions), reached through MAC_MI_COM ---- */
#define TG3_PHY_ADDR                    1 /* 5717 and later: port (from CPMU status) + 1 */
#define MII_BMCR                        0x00
#define BMCR_SPEED1000                  0x0040
#define BMCR_FULLDPLX                   0x0100
#define BMCR_ANRESTART                  0x0200
#define BMCR_PDOWN                      0x0800
#define BMCR_ANENABLE                   0x1000
#define BMCR_RESET                      0x8000
#define MII_BMSR                        0x01
#define BMSR_LSTATUS                    0x0004 /* latched low: read twice for the current state */
#define MII_PHYSID1                     0x02
#define MII_ADVERTISE                   0x04
#define ADVERTISE_CSMA                  0x0001
#define ADVERTISE_10HALF                0x0020
#define ADVERTISE_10FULL                0x0040
#define ADVERTISE_100HALF               0x0080
#define ADVERTISE_100FULL               0x0100
#define ADVERTISE_PAUSE_CAP             0x0400
#define MII_TG3_CTRL                    0x09 /* 1000BASE-T control */
#define MII_TG3_CTRL_AS_MASTER          0x0800
#define MII_TG3_CTRL_ENABLE_AS_MASTER   0x1000
#define MII_TG3_CTRL_ADV_1000_HALF      0x0100
#define MII_TG3_CTRL_ADV_1000_FULL      0x0200
#define MII_TG3_EXT_CTRL                0x10
#define MII_TG3_EXT_CTRL_FIFO_ELASTIC   0x0001 /* high FIFO elasticity for jumbo frames */
#define MII_TG3_DSP_RW_PORT             0x15
#define MII_TG3_DSP_CONTROL             0x16
#define MII_TG3_DSP_CONTROL_BUSY        0x1000 /* macro running */
#define MII_TG3_MISC_SHDW               0x1c
#define MII_TG3_DSP_ADDRESS             0x17
#define MII_TG3_AUX_CTRL                0x18 /* shadowed: the low 3 bits select the register */
#define MII_TG3_AUXCTL_SHDWSEL_AUXCTL   0x0000
#define MII_TG3_AUXCTL_ACTL_TX_6DB      0x0400
#define MII_TG3_AUXCTL_ACTL_SMDSP_ENA   0x0800 /* DSP clock: DSP writes need it */
#define MII_TG3_AUXCTL_ACTL_EXTPKTLEN   0x4000 /* extended packet length (jumbo) */
#define MII_TG3_AUXCTL_SHDWSEL_MISC     0x0007
#define MII_TG3_AUXCTL_MISC_WIRESPD_EN  0x0010
#define MII_TG3_AUXCTL_MISC_FORCE_AMDIX 0x0200
#define MII_TG3_AUXCTL_MISC_RDSEL_SHIFT 12
#define MII_TG3_AUXCTL_MISC_WREN        0x8000
#define MII_TG3_AUX_STAT                0x19
#define MII_TG3_AUX_STAT_SPDMASK        0x0700
#define MII_TG3_AUX_STAT_10HALF         0x0100
#define MII_TG3_AUX_STAT_10FULL         0x0200
#define MII_TG3_AUX_STAT_100HALF        0x0300
#define MII_TG3_AUX_STAT_100FULL        0x0500
#define MII_TG3_AUX_STAT_1000HALF       0x0600
#define MII_TG3_AUX_STAT_1000FULL       0x0700
#define MII_TG3_ISTAT                   0x1a
#define MII_TG3_IMASK                   0x1b

#ifdef PORTO_HOST
/* Host test builds only: make the driver skip or botch one init step, so the tests can show
 * that the device model catches it (tests/tg3/test_tg3_faults.c). Zero in normal runs. */
extern unsigned tg3_test_faults;
enum {
    TG3_FAULT_SKIP_BUFMGR = 1u << 0,        /* never enable the buffer manager */
    TG3_FAULT_SKIP_MEMARB = 1u << 1,        /* leave the memory arbiter off after reset */
    TG3_FAULT_SKIP_FW_SIGNATURE = 1u << 2,  /* reset without the firmware-mailbox magic */
    TG3_FAULT_NO_DESC_WORD_SWAP = 1u << 3,  /* GRC_MODE without WSWAP_NONFRM_DATA */
    TG3_FAULT_SKIP_PORT_MODE = 1u << 4,     /* keep MAC_MODE port mode at reset value */
    TG3_FAULT_NO_INDIRECT_ENABLE = 1u << 5, /* MISC_HOST_CTRL without INDIR_ACCESS */
    TG3_FAULT_SKIP_ABORT = 1u << 6,         /* reset a running chip without stopping DMA */
    TG3_FAULT_SKIP_RX_MTU = 1u << 7,        /* leave MAC_RX_MTU_SIZE at its reset value */
};
#endif

#endif
