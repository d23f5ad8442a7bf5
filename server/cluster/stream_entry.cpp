#include "cluster/stream_entry.hpp"

namespace chatd::cluster {

std::vector<StreamEntry> parse_entries(const RedisReply& reply) {
  std::vector<StreamEntry> entries;
  if (reply.type != RedisReply::Type::Array) return entries;
  entries.reserve(reply.elements.size());
  for (const auto& item : reply.elements) {
    if (item.type != RedisReply::Type::Array || item.elements.size() != 2) continue;
    const auto id = StreamId::parse(item.text_at(0));
    if (!id) continue;
    StreamEntry entry;
    entry.id = *id;
    entry.id_text = item.text_at(0);
    const auto& fields = item.elements[1];
    for (std::size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
      const auto& name = fields.text_at(i);
      const auto& value = fields.text_at(i + 1);
      if (name == "uid") {
        entry.uid = value;
      } else if (name == "nsp") {
        entry.nsp = value;
      } else if (name == "type") {
        entry.type = value;
      } else if (name == "data") {
        entry.data = value;
      } else if (name == "chat") {
        entry.chat = value;
      }
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::vector<StreamEntry> parse_xread(const RedisReply& reply) {
  if (reply.type != RedisReply::Type::Array || reply.elements.empty()) return {};
  const auto& stream = reply.elements.front();
  if (stream.type != RedisReply::Type::Array || stream.elements.size() != 2) return {};
  return parse_entries(stream.elements[1]);
}

}  // namespace chatd::cluster
