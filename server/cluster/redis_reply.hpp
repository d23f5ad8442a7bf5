#pragma once
// A Redis reply, copied out of hiredis's reply object (RESP2), so that it
// outlives the connection's buffers and can cross threads.

#include <cstdint>
#include <string>
#include <vector>

namespace chatd::cluster {

struct RedisReply {
  enum class Type { Nil, Status, Error, Integer, String, Array };
  Type type = Type::Nil;
  std::string text;  // Status, Error, String
  std::int64_t integer = 0;
  std::vector<RedisReply> elements;  // Array

  bool is_error() const { return type == Type::Error; }
  bool is_nil() const { return type == Type::Nil; }
  bool is_text() const { return type == Type::String || type == Type::Status; }
  // The i-th element's text, or "" when there is none of that kind.
  const std::string& text_at(std::size_t i) const;
};

}  // namespace chatd::cluster
