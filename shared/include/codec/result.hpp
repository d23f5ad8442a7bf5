#pragma once
// The one way to say "a value, or why not" in this project: the codec's
// decoders (which read untrusted bytes and never throw), the server's layers
// and the web client's core all return a Result.
//
//   Result<T>             a T, or a CodecError (what a decoder found wrong)
//   Result<T, Failure>    a T, or a Failure (a reason, for everything else)
//   Result<void, E>       nothing to hand back, or an E
//
// A Result converts from a value or an error implicitly, so a function says
// `return value;` or `return Failure{"why"};`.

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace codec {

enum class CodecErrorKind {
  Empty,         // nothing to decode
  UnknownType,   // packet type outside the protocol's table
  Malformed,     // structure does not follow the protocol
  InvalidJson,   // payload is not valid JSON (includes invalid UTF-8 inside strings)
  InvalidUtf8,   // text is not valid UTF-8
  TooLarge,      // payload exceeds a configured limit
  WrongType,     // a JSON value has the wrong type for its role
  UnknownEvent,  // event name the chat protocol does not define
  Invalid,       // value breaks a chat rule (nickname, message length, ...)
};

struct CodecError {
  CodecErrorKind kind;
  std::string reason;  // human-readable, safe to send back to the client
};

// An error that is only its reason, in words a user or an operator reads.
struct Failure {
  std::string reason;
};

// A value or an error; deliberately small (C++20 has no std::expected).
template <typename T, typename E = CodecError>
class Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(E error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() { return std::get<0>(state_); }
  const T& value() const { return std::get<0>(state_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }

  const E& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, E> state_;
};

// Done, or an error.
template <typename E>
class Result<void, E> {
 public:
  Result() = default;                            // done
  Result(E error) : error_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const E& error() const { return *error_; }

 private:
  std::optional<E> error_;
};

inline CodecError make_error(CodecErrorKind kind, std::string reason) { return CodecError{kind, std::move(reason)}; }

}  // namespace codec
