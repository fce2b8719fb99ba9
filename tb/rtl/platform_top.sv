// The DMA controller as the platform instantiates it: dmac_top with its ports
// passed through, plus probe inputs carrying the platform's own signals (CPU
// context, interrupt lines, audio FIFO, validator reports) so that one FST
// holds the RTL and the platform side by side. The probes drive no logic.
//
// This wrapper is the one Verilated model of the DMA (class Vdmac_top, CMake
// target dmac_rtl): the platform, the RTL suite (probes left at 0) and the
// benches all use it. Coverage stops at this file: its ports repeat dmac_top's
// and its probes are not RTL, so the coverage build counts dmac_top only.
/*verilator coverage_off*/
module platform_top (
  input  logic                clk,
  input  logic                rst_n,
  // AXI4-Lite slave (registers)
  input  logic                s_axil_awvalid,
  output logic                s_axil_awready,
  input  logic [15:0]         s_axil_awaddr,
  input  logic                s_axil_wvalid,
  output logic                s_axil_wready,
  input  logic [31:0]         s_axil_wdata,
  input  logic [3:0]          s_axil_wstrb,
  output logic                s_axil_bvalid,
  input  logic                s_axil_bready,
  output logic [1:0]          s_axil_bresp,
  input  logic                s_axil_arvalid,
  output logic                s_axil_arready,
  input  logic [15:0]         s_axil_araddr,
  output logic                s_axil_rvalid,
  input  logic                s_axil_rready,
  output logic [31:0]         s_axil_rdata,
  output logic [1:0]          s_axil_rresp,
  // AXI4 master (memory)
  output logic                m_axi_awvalid,
  input  logic                m_axi_awready,
  output logic [3:0]          m_axi_awid,
  output logic [31:0]   m_axi_awaddr,
  output logic [7:0]          m_axi_awlen,
  output logic [2:0]          m_axi_awsize,
  output logic [1:0]          m_axi_awburst,
  output logic                m_axi_wvalid,
  input  logic                m_axi_wready,
  output logic [63:0]   m_axi_wdata,
  output logic [7:0] m_axi_wstrb,
  output logic                m_axi_wlast,
  input  logic                m_axi_bvalid,
  output logic                m_axi_bready,
  input  logic [3:0]          m_axi_bid,
  input  logic [1:0]          m_axi_bresp,
  output logic                m_axi_arvalid,
  input  logic                m_axi_arready,
  output logic [3:0]          m_axi_arid,
  output logic [31:0]   m_axi_araddr,
  output logic [7:0]          m_axi_arlen,
  output logic [2:0]          m_axi_arsize,
  output logic [1:0]          m_axi_arburst,
  input  logic                m_axi_rvalid,
  output logic                m_axi_rready,
  input  logic [3:0]          m_axi_rid,
  input  logic [63:0]   m_axi_rdata,
  input  logic [1:0]          m_axi_rresp,
  input  logic                m_axi_rlast,
  // interrupts, peripheral handshake
  output logic                irq,
  input  logic [15:0]  dreq_burst,
  input  logic [15:0]  dreq_single,
  input  logic [15:0]  dreq_last_burst,
  input  logic [15:0]  dreq_last_single,
  output logic [15:0]  dclr,
  output logic [15:0]  dtc,
  output logic                quiescent,
  // Platform probes: the platform's own signals, traced next to the RTL.
  // They feed nothing; the host writes them only when tracing.
  input  logic                probe_cpu_irqs_disabled,  // local IRQ flag of the CPU
  input  logic [1:0]          probe_cpu_context,        // 0 process, 1 softirq, 2 hardirq, 3 idle
  input  logic                probe_intc_irq,           // interrupt controller -> CPU
  input  logic [7:0]          probe_irq_lines,          // interrupt controller inputs (bit 1 DMA, bit 2 audio)
  input  logic [7:0]          probe_audio_fifo_level,   // frames in the audio FIFO
  input  logic                probe_audio_dreq,         // audio port DMA burst request
  input  logic [31:0]         probe_audio_frames,       // frames played
  input  logic [31:0]         probe_audio_underruns,    // underruns counted
  input  logic [15:0]         probe_validator_reports,  // lock validator reports so far
  input  logic [63:0]         probe_validator_rule,     // rule of the last report, ASCII ("V-BH-1", "L-2", ...)
  input  logic [7:0]          probe_marker              // scenario marker (trigger commands etc.)
);
  dmac_top u_dmac (.*);

  // Probes exist to be traced.
  wire unused_probes = &{1'b0, probe_cpu_irqs_disabled, probe_cpu_context, probe_intc_irq, probe_irq_lines,
                         probe_audio_fifo_level, probe_audio_dreq, probe_audio_frames, probe_audio_underruns,
                         probe_validator_reports, probe_validator_rule, probe_marker};
endmodule
/*verilator coverage_on*/
