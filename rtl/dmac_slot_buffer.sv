// Data buffer shared by all channels: NUM_SLOTS slots of MAX_BURST beats.
// One byte-enabled write port (read data arriving) and two combinational read
// ports (the write engine needs two neighbouring beats to realign one output
// beat). Plain array: maps to distributed RAM / a register file.
module dmac_slot_buffer #(
  parameter int DATA_W = 64,
  parameter int DEPTH  = 192
) (
  input  logic                     clk,
  input  logic                     we_i,
  input  logic [$clog2(DEPTH)-1:0] waddr_i,
  input  logic [DATA_W/8-1:0]      wbe_i,
  input  logic [DATA_W-1:0]        wdata_i,
  input  logic [$clog2(DEPTH)-1:0] raddr0_i,
  output logic [DATA_W-1:0]        rdata0_o,
  input  logic [$clog2(DEPTH)-1:0] raddr1_i,
  output logic [DATA_W-1:0]        rdata1_o
);
  logic [DATA_W-1:0] mem [DEPTH];

  // No reset: contents are only read after being written (the write engine
  // waits for the bytes it needs; stale lanes are never strobed).
  // One word write per beat: a whole beat (an incrementing source, nearly
  // every beat) as it is, a narrow one merged into the stored word under its
  // byte enables (the mask is built only for a narrow beat).
  logic [DATA_W-1:0] bmask;
  always_comb begin
    bmask = '1;
    if (we_i && !(&wbe_i)) begin
      for (int b = 0; b < DATA_W / 8; b++) bmask[b*8 +: 8] = {8{wbe_i[b]}};
    end
  end
  always_ff @(posedge clk) begin
    if (we_i) mem[waddr_i] <= (wdata_i & bmask) | (mem[waddr_i] & ~bmask);
  end

  assign rdata0_o = mem[raddr0_i];
  assign rdata1_o = mem[raddr1_i];
endmodule
