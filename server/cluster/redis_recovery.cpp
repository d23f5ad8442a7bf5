#include "cluster/redis_recovery.hpp"

#include "cluster/stream_entry.hpp"

namespace chatd::cluster {

namespace {

constexpr std::size_t kPage = 1000;

}  // namespace

RedisRecovery::RedisRecovery(std::string prefix, std::string stream_key, std::chrono::milliseconds window,
                             std::chrono::milliseconds refresh)
    : prefix_(std::move(prefix)), stream_key_(std::move(stream_key)), window_(window), refresh_(refresh) {}

std::string RedisRecovery::member_session(const std::string& sid, const std::string& pid,
                                          const std::string& nick) const {
  return encode_adapter_session(AdapterSession{sid, pid, {sid, kChatRoom}, nick});
}

RedisConnection::Command RedisRecovery::count_after(const StreamId& offset) const {
  // Only the ids would do, but XRANGE has no such form; the entries are small.
  return {"XRANGE", stream_key_, offset.next().to_string(), "+", "COUNT", std::to_string(kMaxMissed + 1)};
}

bool RedisRecovery::too_many(const RedisReply& reply) const {
  return reply.type == RedisReply::Type::Array && reply.elements.size() > kMaxMissed;
}

::codec::Result<std::vector<OutgoingPacket>, ::codec::Failure> RedisRecovery::missed(
    RedisConnection& connection, const StreamId& offset, const StreamId& until,
    const std::vector<std::string>& rooms) const {
  std::vector<OutgoingPacket> packets;
  StreamId from = offset.next();
  while (from < until) {
    auto reply = connection.command(
        {"XRANGE", stream_key_, from.to_string(), until.to_string(), "COUNT", std::to_string(kPage)});
    if (!reply) return reply.error();
    if (reply->is_error()) return ::codec::Failure{reply->text};
    const auto entries = parse_entries(*reply);
    for (const auto& entry : entries) {
      if (!(entry.id < until)) break;
      if (entry.nsp != "/" || entry.type != "3") continue;
      auto broadcast = decode_adapter_broadcast(entry.data);
      if (!broadcast || !should_include(rooms, *broadcast)) continue;
      broadcast->takes_offset = true;  // restoreSession appends the id to every replayed packet
      packets.push_back(to_outgoing(*broadcast, entry.id_text));
    }
    if (entries.size() < kPage) break;
    from = entries.back().id.next();
  }
  return packets;
}

}  // namespace chatd::cluster
