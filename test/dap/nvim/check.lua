-- Test driver for test/dap/nvim.test.ts (not user configuration): loaded
-- after init.lua by `nvim --headless -u init.lua -S check.lua`. Answers the
-- configuration's prompts from WCD_COREDUMP / WCD_PROGRAM, starts the
-- session with dap.run, waits for nvim-dap to stop and select a frame, then
-- prints what nvim-dap's session API returns, one fact per line:
--   STOPPED <reason> <description>   FRAME <name> <line> <source basename>
--   SELECTED <frame name>   SCOPE <name>   VAR <scope> <name> = <value>
--   EVAL <expr> = <result>   MEM <hex of the bytes>   DONE  |  FAIL <why>
local dap = require('dap')

local function out(line) io.stdout:write(line, '\n') end
-- nvim-dap's notifications (e.g. "Source not available") as lines of their own,
-- not as headless messages interleaved with the facts
vim.notify = function(msg) out('NOTE ' .. tostring(msg):gsub('\n', ' ')) end
local function fail(why) out('FAIL ' .. why); vim.cmd('cquit 1') end

if os.getenv('WCD_PORT') then
  -- the README's TCP adapter, on the port the test's server listens on
  dap.adapters['wasm-coredump'].port = tonumber(os.getenv('WCD_PORT'))
end

local answers = { ['Core dump: '] = os.getenv('WCD_COREDUMP'), ['Module: '] = os.getenv('WCD_PROGRAM') }
vim.fn.input = function(prompt) return assert(answers[prompt], 'unexpected prompt ' .. prompt) end

local exprs = vim.split(os.getenv('WCD_EXPRS') or '', '\n', { trimempty = true })
local stopped_body

dap.listeners.after.event_stopped['wcd-check'] = function(_, body) stopped_body = body end

local function report(session)
  local tid = stopped_body.threadId
  out(('STOPPED %s %s'):format(stopped_body.reason, (stopped_body.description or ''):gsub('\n', ' ')))
  local frames = session.threads[tid].frames
  for _, f in ipairs(frames) do
    out(('FRAME %s %s %s'):format(f.name, f.line, f.source and vim.fn.fnamemodify(f.source.path or f.source.name or '', ':t') or '-'))
  end
  local frame = session.current_frame
  out('SELECTED ' .. frame.name)
  -- the frame the facts are about: the first one named like WCD_FRAME
  for _, f in ipairs(frames) do
    if f.name == os.getenv('WCD_FRAME') then frame = f; break end
  end
  local err, scopes = session:request('scopes', { frameId = frame.id })
  if err then return fail('scopes: ' .. vim.inspect(err)) end
  for _, s in ipairs(scopes.scopes) do
    out('SCOPE ' .. s.name)
    if not s.expensive then
      local verr, vars = session:request('variables', { variablesReference = s.variablesReference })
      if verr then return fail('variables: ' .. vim.inspect(verr)) end
      for _, v in ipairs(vars.variables) do out(('VAR %s %s = %s'):format(s.name, v.name, v.value)) end
    end
  end
  for _, e in ipairs(exprs) do
    local eerr, r = session:request('evaluate', { expression = e, frameId = frame.id, context = 'watch' })
    out(('EVAL %s = %s'):format(e, eerr and ('ERROR ' .. (eerr.message or vim.inspect(eerr))) or r.result))
  end
  local serr, sp = session:request('evaluate', { expression = '$__stack_pointer', frameId = frame.id, context = 'watch' })
  if serr then return fail('evaluate $__stack_pointer: ' .. vim.inspect(serr)) end
  out('SP ' .. sp.result)
  local merr, mem = session:request('readMemory', { memoryReference = sp.result, count = 16 })
  if merr then return fail('readMemory: ' .. vim.inspect(merr)) end
  out(('MEM %s %s'):format(mem.address, mem.data or ''))
  session:request('disconnect', { terminateDebuggee = true })
  out('DONE')
  vim.cmd('qall!')
end

local deadline = vim.loop.now() + 30000
local function poll()
  local session = dap.session()
  if stopped_body and session and session.current_frame and session.threads[stopped_body.threadId]
      and session.threads[stopped_body.threadId].frames then
    coroutine.wrap(function()
      local ok, e = pcall(report, session)
      if not ok then fail(tostring(e)) end
    end)()
    return
  end
  if vim.loop.now() > deadline then return fail('no stopped frame within 30 s') end
  vim.defer_fn(poll, 50)
end

dap.run(dap.configurations.c[1])
poll()
