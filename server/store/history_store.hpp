#pragma once
// Where chat messages are kept. The chat service sees only this interface;
// SQLite is the embedded default, another store can replace it.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "codec/result.hpp"

namespace chatd::store {

struct NewMessage {
  std::string from;
  std::string text;
  std::int64_t ts = 0;      // milliseconds since the epoch
  std::int64_t author = 0;  // the sender's author key (0: none), so that recovery skips its own messages
  // The sender's idempotency key (none: the client gave none, or there is no
  // author to scope it to): a message with the author and key of one already
  // stored is not stored again; the append reports the stored one instead.
  std::optional<std::string> key = std::nullopt;
};

struct StoredMessage {
  std::int64_t id = 0;
  std::string from;
  std::string text;
  std::int64_t ts = 0;
  std::int64_t author = 0;
  // Set by append() when the message was not stored because the same author
  // had already stored one with the same key: this is that one.
  bool repeated = false;
};

// The message once durably committed, or why it could not be stored.
using AppendResult = ::codec::Result<StoredMessage, ::codec::Failure>;
// Messages read, or why they could not be read.
using ReadResult = ::codec::Result<std::vector<StoredMessage>, ::codec::Failure>;

class HistoryStore {
 public:
  using AppendCallback = std::function<void(AppendResult)>;
  virtual ~HistoryStore() = default;

  // Stores the message and calls `done` after the commit (or the failure),
  // possibly on another thread. Calls to `done` follow the order of ids,
  // except for a repeated key (StoredMessage::repeated), whose report comes in
  // the order of appends with the earlier message's id.
  virtual void append(NewMessage message, AppendCallback done) = 0;

  // The last `limit` messages, oldest first.
  virtual std::vector<StoredMessage> recent(std::size_t limit) = 0;

  // Messages with after < id <= up_to, oldest first, at most `limit`.
  virtual std::vector<StoredMessage> range(std::int64_t after, std::int64_t up_to, std::size_t limit) = 0;

  // The last `limit` committed messages with an id below `id`, oldest first:
  // a page of older history for a client. Called on client threads, several
  // at once, beside appends; it must not wait for the writer. An error only
  // when the store cannot be read (never a short page instead).
  virtual ReadResult before(std::int64_t id, std::size_t limit) = 0;

  // Waits until every accepted append has been committed and reported.
  virtual void flush() = 0;

  // Whether a write can be committed now (for /healthz): done when it can,
  // else the reason. Waits at most about `timeout`, e.g. for a lock.
  virtual ::codec::Result<void, ::codec::Failure> check_writable(std::chrono::milliseconds timeout) = 0;
};

}  // namespace chatd::store
