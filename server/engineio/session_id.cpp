#include "engineio/session_id.hpp"

#include <array>
#include <random>

namespace chatd::eio {

std::string generate_session_id() {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  thread_local std::random_device device;  // the kernel's CSPRNG on Linux
  std::string id(20, ' ');
  for (char& c : id) c = kAlphabet[device() % 64];
  return id;
}

}  // namespace chatd::eio
