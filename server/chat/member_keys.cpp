#include "chat/member_keys.hpp"

#include <random>

namespace chatd::chat {

namespace {

std::random_device& device() {
  thread_local std::random_device random;  // the kernel's CSPRNG on Linux
  return random;
}

}  // namespace

std::string generate_recovery_token() {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string token(22, ' ');  // 132 bits
  for (char& c : token) c = kAlphabet[device()() % 64];
  return token;
}

std::int64_t generate_author_key() {
  std::uint64_t key = 0;
  while ((key & 0x7fff'ffff'ffff'ffffULL) == 0) key = (std::uint64_t{device()()} << 32) | device()();
  return static_cast<std::int64_t>(key & 0x7fff'ffff'ffff'ffffULL);
}

}  // namespace chatd::chat
