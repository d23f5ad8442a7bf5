#pragma once
// One entry of the cluster's stream, as XREAD and XRANGE return it, with the
// fields a node reads (docs/cluster.md).

#include <optional>
#include <string>
#include <vector>

#include "cluster/redis_reply.hpp"
#include "cluster/stream_id.hpp"

namespace chatd::cluster {

struct StreamEntry {
  StreamId id;
  std::string id_text;
  std::string uid;
  std::string nsp;
  std::string type;
  std::string data;
  std::optional<std::string> chat;  // the chat functions' own field
};

// The entries of an XRANGE reply (an array of [id, [field, value, ...]]);
// entries whose id does not parse are left out.
std::vector<StreamEntry> parse_entries(const RedisReply& reply);
// The entries of an XREAD reply for one stream ([[key, entries]], or nil
// when BLOCK timed out).
std::vector<StreamEntry> parse_xread(const RedisReply& reply);

}  // namespace chatd::cluster
