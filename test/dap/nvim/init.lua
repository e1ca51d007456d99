-- Minimal Neovim init for opening Wasm core dumps with nvim-dap.
-- This file is the tested configuration (test/dap/nvim.test.ts runs it with
-- Debian 12's Neovim 0.7.2 and nvim-dap 0.6.0); the README's Neovim section
-- is the part between the BEGIN/END markers, copied verbatim.

-- nvim-dap on the runtimepath (a plugin manager does this for you)
vim.opt.runtimepath:append(os.getenv('NVIM_DAP_DIR') or (vim.fn.stdpath('data') .. '/site/pack/dap/start/nvim-dap'))

-- BEGIN wasm-coredump
local dap = require('dap')
dap.adapters['wasm-coredump'] = {
  type = 'executable',
  command = 'wasm-coredump-dap',
}
dap.configurations.c = {
  {
    type = 'wasm-coredump',
    request = 'launch',
    name = 'Open Wasm core dump',
    coreDump = function() return vim.fn.input('Core dump: ', vim.fn.getcwd() .. '/', 'file') end,
    program = function() return vim.fn.input('Module: ', vim.fn.getcwd() .. '/', 'file') end,
    sourceMap = { ['/src'] = vim.fn.getcwd() },
  },
}
-- the same configuration from C++, Rust and Zig buffers
for _, ft in ipairs({ 'cpp', 'rust', 'zig' }) do dap.configurations[ft] = dap.configurations.c end
-- END wasm-coredump

-- BEGIN wasm-coredump tcp
-- Over TCP instead (a server started with `wasm-coredump-dap --port 4711`, or
-- tunnelled from the machine that holds the dump: see "Remote (TCP)"):
if os.getenv('WASM_COREDUMP_DAP_TCP') then
  dap.adapters['wasm-coredump'] = { type = 'server', host = '127.0.0.1', port = 4711 }
end
-- END wasm-coredump tcp
