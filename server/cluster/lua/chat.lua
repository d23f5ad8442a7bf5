#!lua name=chat
--[[
The chat's shared state in Redis, as one Redis Functions library (Redis 7.0+):
every change of state and the stream entry that announces it happen in one
function call, so the `socket.io` stream's order is the state's order.

Loaded by every node at start with `FUNCTION LOAD REPLACE <this file>` (chatd
embeds it at build time; a Node.js peer reads the same file) and called with
`FCALL <name> 0 <args...>`. docs/cluster.md describes the keys, the values and
every function's arguments and replies; keep the two in step.

Conventions:
 - ARGV[1] is the key prefix P ("" by default): every key is P .. name, the
   stream P .. "socket.io" and the sessions P .. "sio:session:" .. pid, which
   is what @socket.io/redis-streams-adapter uses with streamName and
   sessionKeyPrefix set accordingly. The keys are computed here, not passed:
   a single Redis (or a primary with replicas), not a Redis Cluster.
 - ARGV[2] is the stream's MAXLEN for every XADD (`MAXLEN ~`).
 - Time is Redis's (TIME), so that nodes' clocks never matter.
 - Replies are arrays whose first element is a status word.
--]]

-- A tick advances the cluster's logical clock by the time since the last
-- tick, but never by more than this: when Redis itself was stopped or down,
-- its wall clock jumps, and no node may count that as its silence. Node
-- timeouts must be well above it (chatd: at least 3 s).
local MAX_CLOCK_STEP_MS = 1000
-- Expired away members removed per tick (the rest go on later ticks).
local MAX_EXPIRED_PER_TICK = 100
-- The `uid` of every entry these functions write: never a Socket.IO
-- adapter's uid (16 hex digits), so every node, Node.js ones included,
-- delivers these entries to its own clients.
local ENTRY_UID = 'chat'
-- How long a message's idempotency key is kept beyond its member's recovery
-- window: a client resends an unacked message after it resumed, which is
-- within the window after its connection was found lost, which is at most a
-- ping interval and timeout (45 s by default) after the send.
local KEY_KEPT_AFTER_WINDOW_MS = 120000

local function fmt(n)
  return string.format('%.0f', n)
end

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function keys_of(p)
  return {
    p = p,
    stream = p .. 'socket.io',
    nicks = p .. 'chat:nicks',
    away = p .. 'chat:away',
    nodes = p .. 'chat:nodes',
    clock = p .. 'chat:clock',
    message_id = p .. 'chat:message-id',
  }
end

local function node_members_key(k, node)
  return k.p .. 'chat:node:' .. node
end

-- The message a member sent with an idempotency key: "<entry id> <message id> <ts>".
local function sent_key(k, pid, key)
  return k.p .. 'chat:sent:' .. pid .. ':' .. key
end

local function session_key(k, pid)
  return k.p .. 'sio:session:' .. pid
end

-- A broadcast to the room "chat" (every member with a nickname), except the
-- room named by one socket id, in the adapter's JSON `data` form.
local function broadcast_data(event_args_json, except_sid)
  return '{"packet":{"type":2,"data":[' .. event_args_json .. ']},"opts":{"rooms":["chat"],"except":[' ..
      cjson.encode(except_sid) .. '],"flags":{}}}'
end

local function xadd(k, maxlen, data, chat)
  return redis.call('XADD', k.stream, 'MAXLEN', '~', maxlen, '*', 'uid', ENTRY_UID, 'nsp', '/', 'type', '3', 'data',
    data, 'chat', chat)
end

-- "<nick> connected" / "<nick> disconnected", with the state change it records.
local function announce(k, maxlen, op, member, text)
  local data = broadcast_data('"announcement",' .. cjson.encode(member.nick .. text), member.sid)
  local chat = '{"op":' .. cjson.encode(op) .. ',"nick":' .. cjson.encode(member.nick) .. ',"conn":' ..
      cjson.encode(member.conn) .. ',"sid":' .. cjson.encode(member.sid) .. '}'
  return xadd(k, maxlen, data, chat)
end

local function read_member(k, folded)
  local raw = redis.call('HGET', k.nicks, folded)
  if not raw then return nil end
  return cjson.decode(raw)
end

local function write_member(k, folded, m)
  redis.call('HSET', k.nicks, folded, cjson.encode(m))
end

-- The member goes offline: kept for `window` ms so that its client may
-- resume; `hold`: nobody else may take the nickname meanwhile.
local function set_away(k, folded, m, now, hold)
  redis.call('SREM', node_members_key(k, m.node), folded)
  m.away = now + m.window
  if hold then m.hold = m.away else m.hold = 0 end
  write_member(k, folded, m)
  redis.call('ZADD', k.away, m.away, folded)
end

-- A node missed its lease: every member it had online leaves, announced
-- once, and keeps its nickname for its recovery window.
local function reap(k, maxlen, node, now)
  local set = node_members_key(k, node)
  for _, folded in ipairs(redis.call('SMEMBERS', set)) do
    local m = read_member(k, folded)
    if m and m.node == node and m.away == 0 then
      set_away(k, folded, m, now, true)
      announce(k, maxlen, 'leave', m, ' disconnected')
    end
  end
  redis.call('DEL', set)
  redis.call('HDEL', k.nodes, node)
end

-- Advances the logical clock, reaps the nodes whose lease ran out and
-- forgets the away members whose window passed. Returns the clock.
local function tick(k, maxlen, now)
  local saved = redis.call('HMGET', k.clock, 'clock', 'wall')
  local clock = tonumber(saved[1]) or 0
  local wall = tonumber(saved[2])
  if wall then
    local step = now - wall
    if step < 0 then step = 0 end
    if step > MAX_CLOCK_STEP_MS then step = MAX_CLOCK_STEP_MS end
    clock = clock + step
  end
  redis.call('HSET', k.clock, 'clock', fmt(clock), 'wall', fmt(now))

  local nodes = redis.call('HGETALL', k.nodes)
  for i = 1, #nodes, 2 do
    local seen, timeout = string.match(nodes[i + 1], '^(%d+) (%d+)$')
    if not seen or clock - tonumber(seen) > tonumber(timeout) then reap(k, maxlen, nodes[i], now) end
  end

  local expired = redis.call('ZRANGEBYSCORE', k.away, '-inf', now, 'LIMIT', 0, MAX_EXPIRED_PER_TICK)
  for _, folded in ipairs(expired) do
    local m = read_member(k, folded)
    if m and m.away ~= 0 and m.away <= now then redis.call('HDEL', k.nicks, folded) end
    redis.call('ZREM', k.away, folded)
  end
  return clock
end

-- Whether `m` (a member entry or nil) keeps anyone but `pid` from the nickname.
local function taken_by_other(m, pid, now)
  if not m or m.pid == pid then return false end
  return m.away == 0 or m.away > now and m.hold > now
end

local function take_nickname(k, folded, node, conn, nick, sid, pid, window)
  write_member(k, folded,
    { nick = nick, conn = conn, node = node, sid = sid, pid = pid, away = 0, hold = 0, window = window })
  redis.call('ZREM', k.away, folded)
  redis.call('SADD', node_members_key(k, node), folded)
end

-- chat_heartbeat P maxlen node timeout_ms first
-- Renews the node's lease (dead after timeout_ms of the cluster's clock
-- without one). first = "1" registers the node; otherwise a node whose lease
-- ran out gets "reaped" and is not renewed: its members are gone.
-- Reply: {"ok"} or {"reaped"}.
redis.register_function('chat_heartbeat', function(_, a)
  local k, maxlen, node, timeout, first = keys_of(a[1]), a[2], a[3], a[4], a[5]
  local clock = tick(k, maxlen, now_ms())
  if first ~= '1' and redis.call('HEXISTS', k.nodes, node) == 0 then return { 'reaped' } end
  redis.call('HSET', k.nodes, node, fmt(clock) .. ' ' .. timeout)
  return { 'ok' }
end)

-- chat_join P maxlen node conn folded nick sid pid window_ms session session_ttl_ms
-- Claims the nickname (`folded`: its case-folded key) for the connection
-- `conn` of `node`, saves the Socket.IO session, and announces
-- "<nick> connected". Reply: {"ok", entry id}, {"taken"} or {"unregistered"}
-- (the node has no lease).
redis.register_function('chat_join', function(_, a)
  local k, maxlen, node, conn, folded, nick, sid, pid, window, session, ttl =
  keys_of(a[1]), a[2], a[3], a[4], a[5], a[6], a[7], a[8], tonumber(a[9]), a[10], a[11]
  local now = now_ms()
  tick(k, maxlen, now)
  if redis.call('HEXISTS', k.nodes, node) == 0 then return { 'unregistered' } end
  if taken_by_other(read_member(k, folded), pid, now) then return { 'taken' } end
  take_nickname(k, folded, node, conn, nick, sid, pid, window)
  -- No pid: the node offers no recovery, so there is no session to keep.
  if pid ~= '' then redis.call('SET', session_key(k, pid), session, 'PX', ttl) end
  local m = read_member(k, folded)
  return { 'ok', announce(k, maxlen, 'join', m, ' connected') }
end)

-- chat_resume P maxlen node conn folded nick sid pid window_ms offset expected_session session session_ttl_ms
-- Takes the member back on `conn` after its client reconnected with
-- {pid, offset}: the session must still be there (when expected_session is
-- not empty, with exactly that value: the caller read and decoded it), the
-- offset's entry must still be in the stream, and nobody else may hold the
-- nickname. The session is consumed (one shot, as the adapter does). When
-- the member was still online on another connection (a node that died, a
-- connection not yet timed out), that one is announced as gone first.
-- `session`, the session to keep for the new connection, is SET unless empty.
-- Reply: {"ok", entry id}, {"no session"}, {"offset not found"},
-- {"taken"} or {"unregistered"}.
redis.register_function('chat_resume', function(_, a)
  local k, maxlen, node, conn, folded, nick, sid, pid, window, offset, expected, session, ttl =
  keys_of(a[1]), a[2], a[3], a[4], a[5], a[6], a[7], a[8], tonumber(a[9]), a[10], a[11], a[12], a[13]
  local now = now_ms()
  tick(k, maxlen, now)
  if redis.call('HEXISTS', k.nodes, node) == 0 then return { 'unregistered' } end
  local key = session_key(k, pid)
  if expected ~= '' and redis.call('GET', key) ~= expected then return { 'no session' } end
  if #redis.call('XRANGE', k.stream, offset, offset) == 0 then
    redis.call('DEL', key)
    return { 'offset not found' }
  end
  local old = read_member(k, folded)
  if taken_by_other(old, pid, now) then
    redis.call('DEL', key)
    return { 'taken' }
  end
  if old and old.away == 0 then
    redis.call('SREM', node_members_key(k, old.node), folded)
    announce(k, maxlen, 'leave', old, ' disconnected')
  end
  take_nickname(k, folded, node, conn, nick, sid, pid, window)
  if session ~= '' then redis.call('SET', key, session, 'PX', ttl) end
  local m = read_member(k, folded)
  return { 'ok', announce(k, maxlen, 'resume', m, ' connected') }
end)

-- chat_leave P maxlen conn folded resumable session
-- The member on `conn` left: when `resumable` is "1" (its connection was
-- lost) it stays away for its window and its session is saved with that
-- time to live (`session` empty: the one saved before is kept); otherwise
-- (it left on purpose) it and its session go.
-- Announces "<nick> disconnected". Nothing happens when `conn` no longer
-- holds the nickname (the member resumed elsewhere, or its node was reaped).
-- Reply: {"ok", entry id} or {"stale"}.
redis.register_function('chat_leave', function(_, a)
  local k, maxlen, conn, folded, resumable, session = keys_of(a[1]), a[2], a[3], a[4], a[5], a[6]
  local now = now_ms()
  tick(k, maxlen, now)
  local m = read_member(k, folded)
  if not m or m.conn ~= conn or m.away ~= 0 then return { 'stale' } end
  if resumable == '1' and m.pid ~= '' and m.window > 0 then
    set_away(k, folded, m, now, false)
    -- Without a value, the session saved at the join or the resume stays,
    -- with the window as its time to live.
    if session ~= '' then
      redis.call('SET', session_key(k, m.pid), session, 'PX', m.window)
    else
      redis.call('PEXPIRE', session_key(k, m.pid), m.window)
    end
  else
    redis.call('SREM', node_members_key(k, m.node), folded)
    redis.call('HDEL', k.nicks, folded)
    redis.call('DEL', session_key(k, m.pid))
  end
  return { 'ok', announce(k, maxlen, 'leave', m, ' disconnected') }
end)

-- chat_message P maxlen conn folded text [key]
-- Stores a chat message from the member on `conn`: the next message id, the
-- time, and the entry every node stores and delivers (to the room "chat",
-- except the sender's socket). `key`, the client's idempotency key (optional;
-- empty or absent: none), is scoped to the member, i.e. its pid, which a
-- resumed member keeps on whatever node: a key the member already used
-- within its window + KEY_KEPT_AFTER_WINDOW_MS stores nothing, and the reply
-- is the first copy's, marked "repeated". A member without a pid (no
-- recovery) has no keys, as in single-node mode.
-- Reply: {"ok", entry id, message id, ts[, "repeated"]} or {"not joined"}
-- (the connection does not hold the nickname).
redis.register_function('chat_message', function(_, a)
  local k, maxlen, conn, folded, text, key = keys_of(a[1]), a[2], a[3], a[4], a[5], a[6]
  local m = read_member(k, folded)
  if not m or m.conn ~= conn or m.away ~= 0 then return { 'not joined' } end
  local sent
  if key and key ~= '' and m.pid ~= '' then
    sent = sent_key(k, m.pid, key)
    local first = redis.call('GET', sent)
    if first then
      local entry, id, ts = string.match(first, '^(%S+) (%d+) (%d+)$')
      if entry then return { 'ok', entry, tonumber(id), tonumber(ts), 'repeated' } end
    end
  end
  local id = redis.call('INCR', k.message_id)
  local ts = now_ms()
  local data = broadcast_data('"user message",' .. cjson.encode(m.nick) .. ',' .. cjson.encode(text) .. ',{"id":' ..
      fmt(id) .. ',"ts":' .. fmt(ts) .. '}', m.sid)
  local entry = xadd(k, maxlen, data, '{"op":"message"}')
  if sent then
    redis.call('SET', sent, entry .. ' ' .. fmt(id) .. ' ' .. fmt(ts), 'PX', fmt((m.window or 0) + KEY_KEPT_AFTER_WINDOW_MS))
  end
  return { 'ok', entry, id, ts }
end)

-- chat_snapshot P
-- The online list and the stream position it is the state of: entries after
-- that id change it. Reply: {"ok", last entry id or "0-0", nick, nick, ...}.
redis.register_function { function_name = 'chat_snapshot', flags = { 'no-writes' }, callback = function(_, a)
  local k = keys_of(a[1])
  local last = redis.call('XREVRANGE', k.stream, '+', '-', 'COUNT', 1)
  local reply = { 'ok', '0-0' }
  if #last > 0 then reply[2] = last[1][1] end
  for _, raw in ipairs(redis.call('HVALS', k.nicks)) do
    local m = cjson.decode(raw)
    if m.away == 0 then table.insert(reply, m.nick) end
  end
  return reply
end }
