#pragma once
// Errors and results of every decoder that reads untrusted bytes.
// Decoders never throw: they return a Result holding either a value or a CodecError.

#include <string>
#include <utility>
#include <variant>

namespace codec {

enum class CodecErrorKind {
  Empty,            // nothing to decode
  UnknownType,      // packet type outside the protocol's table
  Malformed,        // structure does not follow the protocol
  InvalidJson,      // payload is not valid JSON (includes invalid UTF-8 inside strings)
  InvalidUtf8,      // text is not valid UTF-8
  TooLarge,         // payload exceeds a configured limit
  WrongType,        // a JSON value has the wrong type for its role
  UnknownEvent,     // event name the chat protocol does not define
  Invalid,          // value breaks a chat rule (nickname, message length, ...)
};

struct CodecError {
  CodecErrorKind kind;
  std::string reason;  // human-readable, safe to send back to the client
};

// A value or an error; deliberately small (C++20 has no std::expected).
template <typename T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}                 // NOLINT: implicit by design
  Result(CodecError error) : state_(std::move(error)) {}         // NOLINT: implicit by design

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() { return std::get<0>(state_); }
  const T& value() const { return std::get<0>(state_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }

  const CodecError& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, CodecError> state_;
};

inline CodecError make_error(CodecErrorKind kind, std::string reason) {
  return CodecError{kind, std::move(reason)};
}

}  // namespace codec
