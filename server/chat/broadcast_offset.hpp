#pragma once
// Where a broadcast stands in the chat's stream, sent as the last argument of
// every broadcast event (Socket.IO's connection state recovery). A client
// hands back the last one it saw, so it is untrusted text.
//
// Text form "<boot>-<seq>-<message>": `boot` names one run of chatd, `seq`
// counts that run's broadcasts (0: before its first), `message` is the id of
// the last stored message delivered at that point, which survives a restart.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chatd::chat {

struct BroadcastOffset {
  std::uint32_t boot = 0;
  std::uint64_t seq = 0;
  std::int64_t message = 0;

  std::string to_string() const;
  // Empty unless `text` is exactly the form to_string() writes.
  static std::optional<BroadcastOffset> parse(std::string_view text);
};

}  // namespace chatd::chat
