-- Deletes the lease only if owner AND token match the recorded one.
-- KEYS[1] lease hash; ARGV[1] owner, ARGV[2] token. Returns 1 when released, 0 otherwise.
local cur = redis.call('HMGET', KEYS[1], 'owner', 'token')
if cur[1] == ARGV[1] and cur[2] == ARGV[2] then
  return redis.call('DEL', KEYS[1])
end
return 0
