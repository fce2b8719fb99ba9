// Data buffer shared by all channels: NUM_SLOTS slots of MAX_BURST beats.
// One byte-enabled write port (read data arriving) and two combinational read
// ports (the write engine needs two neighbouring beats to realign one output
// beat). Plain array: maps to distributed RAM / a register file.
module dmac_slot_buffer #(
  parameter int DATA_W = 64,
  parameter int DEPTH  = 192
) (
  input  logic                     clk,
  input  logic                     we,
  input  logic [$clog2(DEPTH)-1:0] waddr,
  input  logic [DATA_W/8-1:0]      wbe,
  input  logic [DATA_W-1:0]        wdata,
  input  logic [$clog2(DEPTH)-1:0] raddr0,
  output logic [DATA_W-1:0]        rdata0,
  input  logic [$clog2(DEPTH)-1:0] raddr1,
  output logic [DATA_W-1:0]        rdata1
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
    if (we && !(&wbe)) begin
      for (int b = 0; b < DATA_W / 8; b++) bmask[b*8 +: 8] = {8{wbe[b]}};
    end
  end
  always_ff @(posedge clk) begin
    if (we) mem[waddr] <= (wdata & bmask) | (mem[waddr] & ~bmask);
  end

  assign rdata0 = mem[raddr0];
  assign rdata1 = mem[raddr1];
endmodule
