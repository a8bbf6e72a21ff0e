-- wrk script: every request is a distinct Bitrix24 ONVOXIMPLANTCALLEND event, form-encoded with
-- PHP-style keys exactly as Bitrix24's queue server sends it, so each one is a new durable row.
local thread_count = 0

function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
end

local counter = 0
local path = "/api/bitrix-webhook/call-finished"
local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }

function request()
  counter = counter + 1
  local call_id = string.format("BENCH%s.%d.%d", run_id or "0", tid, counter)
  local body = "event=ONVOXIMPLANTCALLEND&event_handler_id=1061"
    .. "&data%5BCALL_ID%5D=" .. call_id
    .. "&data%5BCALL_TYPE%5D=2&data%5BPHONE_NUMBER%5D=%2B79001234567"
    .. "&data%5BPORTAL_NUMBER%5D=%2B79009876543&data%5BPORTAL_USER_ID%5D=12"
    .. "&data%5BCALL_DURATION%5D=135&data%5BCALL_START_DATE%5D=2026-11-24T10%3A00%3A00%2B03%3A00"
    .. "&data%5BCOST%5D=0.5&data%5BCOST_CURRENCY%5D=RUR&data%5BCALL_FAILED_CODE%5D=200"
    .. "&data%5BCALL_FAILED_REASON%5D=&data%5BCRM_ACTIVITY_ID%5D=7953&ts=1795000000"
    .. "&auth%5Bdomain%5D=acme.bitrix24.ru&auth%5Bmember_id%5D=a223e8"
    .. "&auth%5Bapplication_token%5D=bench-token"
  return wrk.format("POST", path, headers, body)
end

function init(args)
  run_id = args[1]
end
