#pragma once
// An encoded frame shared by every recipient of a broadcast: encoded once,
// the same immutable bytes queued to every session.

#include <memory>
#include <string>

namespace chatd::eio {

using SharedFrame = std::shared_ptr<const std::string>;

inline SharedFrame make_frame(std::string bytes) {
  return std::make_shared<const std::string>(std::move(bytes));
}

}  // namespace chatd::eio
