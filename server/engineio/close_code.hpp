#pragma once
// WebSocket close codes the server uses (RFC 6455, section 7.4.1). Long-polling
// has no close codes: there they only choose what the last poll says.

#include <cstdint>

namespace chatd::eio::close_code {

inline constexpr std::uint16_t kNormal = 1000;  // the client asked to close
inline constexpr std::uint16_t kGoingAway = 1001;
inline constexpr std::uint16_t kProtocolError = 1002;
inline constexpr std::uint16_t kInvalidPayload = 1007;
inline constexpr std::uint16_t kPolicyViolation = 1008;
inline constexpr std::uint16_t kTooBig = 1009;
inline constexpr std::uint16_t kTryAgainLater = 1013;

}  // namespace chatd::eio::close_code
