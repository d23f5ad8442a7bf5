#pragma once
// The chat of one node of a cluster (docs/cluster.md): what ChatService is
// to a single chatd, with the shared state in Redis. Nickname requests,
// messages and departures go to Redis as calls of the chat functions (on the
// command thread); everything clients see comes from the cluster's stream,
// in its order, applied by the reader thread: messages into the SQLite
// history (with the stream position, in one transaction), the online list,
// members who joined or resumed, and deliveries to this node's clients.
//
// Locking: mutex_ guards the clients, the online list and the replay copy.
// No Redis round trip is ever made under it; the outbox calls made under it
// only queue.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "chat/chat_config.hpp"
#include "chat/chat_handler.hpp"
#include "chat/chat_outbox.hpp"
#include "chat/token_bucket.hpp"
#include "cluster/adapter_broadcast.hpp"
#include "cluster/cluster_config.hpp"
#include "cluster/redis_command_thread.hpp"
#include "cluster/redis_connection.hpp"
#include "cluster/redis_recovery.hpp"
#include "cluster/stream_entry.hpp"
#include "metrics/metrics.hpp"
#include "store/sqlite_history_store.hpp"

namespace chatd::cluster {

class ClusterChatService final : public chat::ChatHandler {
 public:
  // Runs the reports of each applied batch (deliveries), e.g. so that the
  // send threads are woken once per batch.
  using ReportScope = std::function<void(const std::function<void()>& report)>;
  // This node lost its membership (it was cut off from Redis longer than its
  // timeout and the others reaped it): close every client connection, so
  // that they reconnect and resume.
  using MembershipLost = std::function<void()>;

  // Connects to Redis (waiting for it, with a log line now and then), loads
  // the functions, checks that `history` belongs to this cluster (throws
  // std::runtime_error when it does not), registers the node, catches up
  // with the stream, then starts the command and reader threads. Everything
  // passed must outlive the service.
  ClusterChatService(chat::ChatConfig chat, ClusterConfig cluster, store::SqliteHistoryStore& history,
                     chat::ChatOutbox& outbox, metrics::Metrics* metrics = nullptr, ReportScope report_scope = {},
                     MembershipLost membership_lost = {});
  // Runs the queued departures (for at most a few seconds), then stops.
  ~ClusterChatService() override;
  ClusterChatService(const ClusterChatService&) = delete;
  ClusterChatService& operator=(const ClusterChatService&) = delete;

  const std::string& node_id() const { return node_; }

  // chat::ChatHandler
  void open(chat::ClientId client, const std::string& sid, const std::optional<chat::ResumeRequest>& resume,
            Answer answer) override;
  void close(chat::ClientId client, bool resumable) override;
  void on_nickname(chat::ClientId client, const ::codec::events::NicknameRequest& request) override;
  void on_user_message(chat::ClientId client, const ::codec::events::UserMessageRequest& request) override;
  // From this node's replica of the history, on the caller's thread: paging
  // stays local and never waits for Redis.
  void on_history(chat::ClientId client, const ::codec::events::HistoryRequest& request) override;
  void refuse(chat::ClientId client, std::string_view event, std::optional<std::uint64_t> ack_id,
              const std::string& reason) override;

 private:
  enum class State { Connected, Joining, Resuming, Member };
  struct Client {
    std::string sid;
    std::string conn;      // unique in the cluster: "<node>:<client>"
    std::string pid;       // its recovery token; empty when recovery is off
    std::string nickname;  // a member's
    State state = State::Connected;
    chat::TokenBucket attempts;
    // Joining: the ack id of its request and the nickname it asked for.
    std::optional<std::uint64_t> join_ack;
    std::string requested;
    // Resuming: what it presented and what its session holds.
    Answer answer;
    std::string offset;
    AdapterSession session;
  };
  // One entry of a batch, decoded off the lock.
  struct Decoded {
    const StreamEntry* entry = nullptr;
    std::optional<AdapterBroadcast> broadcast;  // type 3 on "/" that decoded
    std::string op;                             // chat entries: message, join, resume, leave
    std::string nick, conn;
    std::optional<store::StoredMessage> message;
  };

  // Start-up, on the reader's connection.
  void start();
  ::codec::Result<void, ::codec::Failure> prepare(RedisConnection& connection);
  void check_cluster_id(RedisConnection& connection);
  void catch_up(const StreamId& from, const StreamId& to);

  // Threads.
  void run_reader(std::stop_token stop);
  void tick(RedisConnection& connection);
  // Applies a batch read from the stream; false when it could not be
  // applied at all (it is read again).
  bool apply_batch(const std::vector<StreamEntry>& entries, bool live);

  // Under mutex_.
  void apply(const Decoded& decoded, std::map<std::string, std::vector<OutgoingPacket>>& replays);
  void deliver(const AdapterBroadcast& broadcast, const std::string& offset);
  void send(chat::ClientId client, const OutgoingPacket& packet);
  void send_nicknames();
  bool local(const std::string& conn) const;
  void release_stray(const Decoded& decoded);
  Client* find(chat::ClientId client);
  Client* find_conn(const std::string& conn);

  // Resumes.
  void start_resume(chat::ClientId client, std::string pid, std::string offset);
  void fail_resume(chat::ClientId client);

  ::codec::Result<void, ::codec::Failure> take_attempt(Client& client);
  RedisConnection::Command call(const char* function, std::initializer_list<std::string> args) const;
  std::string session_value(const Client& client) const;
  void count(metrics::Counter metrics::Metrics::*counter, std::uint64_t n = 1) {
    if (metrics_) (metrics_->*counter).add(n);
  }

  const chat::ChatConfig config_;
  const ClusterConfig cluster_;
  store::SqliteHistoryStore& history_;
  chat::ChatOutbox& outbox_;
  metrics::Metrics* const metrics_;
  const ReportScope report_scope_;
  const MembershipLost membership_lost_;
  const std::string node_;  // this run's node id
  const std::string stream_key_;
  const std::chrono::milliseconds session_refresh_;
  const RedisRecovery recovery_;
  std::string cluster_id_;

  mutable std::mutex mutex_;
  std::unordered_map<chat::ClientId, Client> clients_;
  std::unordered_map<std::string, chat::ClientId> by_conn_;
  std::unordered_map<std::string, chat::ClientId> by_sid_;
  std::map<std::string, std::string> online_;  // folded nickname -> nickname, cluster-wide
  std::deque<store::StoredMessage> recent_;
  // The newest message delivered to this node's clients: a page holds only
  // messages up to it (one stored but not yet delivered comes live).
  std::int64_t delivered_up_to_ = 0;
  std::string applied_ = "0-0";  // the last entry applied: the offset of snapshots
  StreamId snapshot_;            // entries up to this one are in the start's online list

  // The reader thread's.
  RedisConnection reader_;
  StreamId read_;                 // the last entry read
  bool first_heartbeat_ = false;  // the command thread's: register again (after a reap)
  std::chrono::steady_clock::time_point next_refresh_;

  std::unique_ptr<RedisCommandThread> commands_;
  std::jthread reader_thread_;  // last: stops first
};

}  // namespace chatd::cluster
