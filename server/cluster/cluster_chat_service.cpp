#include "cluster/cluster_chat_service.hpp"

#include <algorithm>
#include <limits>
#include <random>
#include <stdexcept>
#include <thread>

#include "chat/history_page.hpp"
#include "chat/member_keys.hpp"
#include "chat/wall_clock.hpp"
#include "cluster/cluster_library.hpp"
#include "codec/chat_rules.hpp"
#include "codec/connection_recovery.hpp"
#include "log/logger.hpp"

namespace chatd::cluster {

namespace events = ::codec::events;
namespace rules = ::codec::rules;
using nlohmann::json;
using Failure = ::codec::Failure;

namespace {

// XREAD blocks this long, so that the reader notices a stop soon.
constexpr std::chrono::milliseconds kReadBlock{1000};
// A reply to the reader later than its BLOCK by this much: Redis is unreachable.
constexpr std::chrono::milliseconds kReadTimeout = kReadBlock + std::chrono::milliseconds(3000);
constexpr std::size_t kReadCount = 1000;
constexpr std::chrono::milliseconds kRetryDelay{500};
// How long a stopping node waits for its departures to reach Redis.
constexpr std::chrono::milliseconds kDrainTimeout{3000};
constexpr const char* kUnavailable = "cluster unavailable";

// "Bob" and "bob" are the same person on screen (as in ChatService).
std::string fold_case(std::string_view nickname) {
  std::string key(nickname);
  std::transform(key.begin(), key.end(), key.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
  return key;
}

std::string random_node_id() {
  std::random_device random;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(16, '0');
  for (char& c : id) c = kHex[random() % 16];
  return id;
}

bool ok(const RedisConnection::Reply& reply) {
  return reply && reply->type == RedisReply::Type::Array && reply->text_at(0) == "ok";
}

std::string status_of(const RedisConnection::Reply& reply) {
  if (!reply) return reply.error().reason;
  if (reply->is_error()) return reply->text;
  return reply->text_at(0);
}

// The heartbeat: often enough that a few missed beats do not cost the lease.
std::chrono::milliseconds heartbeat_interval(std::chrono::milliseconds timeout) {
  return std::clamp(timeout / 10, std::chrono::milliseconds(50), std::chrono::milliseconds(1000));
}

std::chrono::milliseconds session_refresh(std::chrono::milliseconds window) {
  return std::max(window / 4, std::chrono::milliseconds(1000));
}

// XINFO STREAM's max-deleted-entry-id (Redis 7): the last entry trimmed away.
std::optional<StreamId> last_trimmed(RedisConnection& connection, const std::string& stream) {
  auto reply = connection.command({"XINFO", "STREAM", stream});
  if (!reply || reply->type != RedisReply::Type::Array) return std::nullopt;
  for (std::size_t i = 0; i + 1 < reply->elements.size(); i += 2) {
    if (reply->text_at(i) == "max-deleted-entry-id") return StreamId::parse(reply->text_at(i + 1));
  }
  return std::nullopt;
}

}  // namespace

ClusterChatService::ClusterChatService(chat::ChatConfig chat, ClusterConfig cluster, store::SqliteHistoryStore& history,
                                       chat::ChatOutbox& outbox, metrics::Metrics* metrics, ReportScope report_scope,
                                       MembershipLost membership_lost)
    : config_(chat),
      cluster_(std::move(cluster)),
      history_(history),
      outbox_(outbox),
      metrics_(metrics),
      report_scope_(std::move(report_scope)),
      membership_lost_(std::move(membership_lost)),
      node_(random_node_id()),
      stream_key_(cluster_.redis.prefix + "socket.io"),
      session_refresh_(session_refresh(config_.recovery_window)),
      recovery_(cluster_.redis.prefix, stream_key_, config_.recovery_window, session_refresh_),
      reader_(cluster_.redis, kReadTimeout) {
  start();
  next_refresh_ = std::chrono::steady_clock::now() + session_refresh_;
  commands_ = std::make_unique<RedisCommandThread>(
      cluster_.redis, [this](RedisConnection& connection) { return prepare(connection); },
      heartbeat_interval(cluster_.node_timeout), [this](RedisConnection& connection) { tick(connection); });
  reader_thread_ = std::jthread([this](std::stop_token stop) { run_reader(stop); });
}

ClusterChatService::~ClusterChatService() {
  commands_->drain(kDrainTimeout);
  reader_thread_.request_stop();
  if (reader_thread_.joinable()) reader_thread_.join();
  commands_.reset();
}

// ---- start-up -----------------------------------------------------------------------------

RedisConnection::Command ClusterChatService::call(const char* function, std::initializer_list<std::string> args) const {
  RedisConnection::Command argv{"FCALL", function, "0", cluster_.redis.prefix, std::to_string(cluster_.stream_maxlen)};
  argv.insert(argv.end(), args);
  return argv;
}

::codec::Result<void, Failure> ClusterChatService::prepare(RedisConnection& connection) {
  auto loaded = connection.command({"FUNCTION", "LOAD", "REPLACE", std::string(cluster_library())});
  if (!loaded) return loaded.error();
  if (loaded->is_error()) return Failure{"cannot load the chat functions: " + loaded->text};
  auto id = connection.command({"GET", cluster_.redis.prefix + "chat:cluster-id"});
  if (!id) return id.error();
  if (id->is_error()) return Failure{id->text};  // e.g. LOADING, while Redis reads its AOF
  if (!id->is_text() || id->text != cluster_id_) {
    return Failure{"Redis holds another cluster, or lost its data (chat:cluster-id is not " + cluster_id_ + ")"};
  }
  return {};
}

void ClusterChatService::check_cluster_id(RedisConnection& connection) {
  const auto key = cluster_.redis.prefix + "chat:cluster-id";
  auto set = connection.command({"SET", key, chat::generate_recovery_token(), "NX"});
  auto id = connection.command({"GET", key});
  if (!set || !id || !id->is_text()) throw std::runtime_error("cannot read chat:cluster-id from Redis");
  cluster_id_ = id->text;
  const auto mine = history_.cluster_state("cluster_id");
  if (mine && *mine != cluster_id_) {
    throw std::runtime_error("the database belongs to another cluster (cluster id " + *mine + ", Redis has " +
                             cluster_id_ + "): start this node on a fresh database");
  }
  if (!mine) {
    if (!history_.recent(1).empty()) {
      throw std::runtime_error(
          "the database holds the history of a single chatd: cluster mode needs a fresh database (or one of "
          "this cluster), since message ids would collide");
    }
    if (auto saved = history_.set_cluster_state("cluster_id", cluster_id_); !saved) {
      throw std::runtime_error("cannot write the database: " + saved.error().reason);
    }
  }
}

void ClusterChatService::start() {
  auto waiting_since = std::chrono::steady_clock::now();
  for (bool told = false;;) {
    auto connected = reader_.connect();
    if (connected) break;
    if (!told || std::chrono::steady_clock::now() - waiting_since > std::chrono::seconds(5)) {
      log::warn("waiting for Redis", {{"redis", cluster_.redis.describe()}, {"reason", connected.error().reason}});
      told = true;
      waiting_since = std::chrono::steady_clock::now();
    }
    std::this_thread::sleep_for(kRetryDelay);
  }
  check_cluster_id(reader_);
  if (auto prepared = prepare(reader_); !prepared) throw std::runtime_error(prepared.error().reason);

  const auto timeout = std::to_string(cluster_.node_timeout.count());
  if (!ok(reader_.command(call("chat_heartbeat", {node_, timeout, "1"})))) {
    throw std::runtime_error("cannot register the node in Redis");
  }
  auto snapshot = reader_.command({"FCALL", "chat_snapshot", "0", cluster_.redis.prefix});
  if (!ok(snapshot)) throw std::runtime_error("cannot read the online list from Redis: " + status_of(snapshot));
  snapshot_ = StreamId::parse(snapshot->text_at(1)).value_or(StreamId{});
  for (std::size_t i = 2; i < snapshot->elements.size(); ++i) {
    const auto& nick = snapshot->text_at(i);
    online_[fold_case(nick)] = nick;
  }

  const auto cursor = StreamId::parse(history_.cluster_state("cursor").value_or("0-0")).value_or(StreamId{});
  if (const auto trimmed = last_trimmed(reader_, stream_key_); trimmed && cursor < *trimmed) {
    if (cursor == StreamId{}) {
      log::info("rebuilding the history from the stream; older entries were trimmed",
                {{"first_kept_after", trimmed->to_string()}});
    } else {
      log::warn("the stream no longer holds entries this node has not applied: its history has a gap",
                {{"applied", cursor.to_string()}, {"trimmed_up_to", trimmed->to_string()}});
    }
  }
  catch_up(cursor, snapshot_);
  read_ = std::max(cursor, snapshot_);
  applied_ = read_.to_string();
  const auto stored = history_.recent(config_.history_on_join);
  recent_.assign(stored.begin(), stored.end());
  if (!recent_.empty()) delivered_up_to_ = recent_.back().id;  // caught up: a join's replay
  log::info("joined the cluster", {{"node", node_},
                                   {"redis", cluster_.redis.describe()},
                                   {"stream_position", applied_},
                                   {"online", online_.size()}});
}

void ClusterChatService::catch_up(const StreamId& from, const StreamId& to) {
  std::string start = from == StreamId{} ? "-" : from.next().to_string();
  std::size_t applied = 0;
  while (from < to) {
    auto reply = reader_.command({"XRANGE", stream_key_, start, to.to_string(), "COUNT", std::to_string(kReadCount)});
    if (!reply || reply->is_error()) {
      log::warn("catching up: Redis failed, trying again", {{"reason", status_of(reply)}});
      std::this_thread::sleep_for(kRetryDelay);
      continue;
    }
    const auto entries = parse_entries(*reply);
    if (entries.empty()) break;
    while (!apply_batch(entries, /*live=*/false)) std::this_thread::sleep_for(kRetryDelay);
    applied += entries.size();
    if (entries.size() < kReadCount || !(entries.back().id < to)) break;
    start = entries.back().id.next().to_string();
  }
  if (applied > 0) log::info("caught up with the stream", {{"entries", applied}});
}

// ---- the threads --------------------------------------------------------------------------

void ClusterChatService::tick(RedisConnection& connection) {
  const auto reply = connection.command(
      call("chat_heartbeat", {node_, std::to_string(cluster_.node_timeout.count()), first_heartbeat_ ? "1" : "0"}));
  if (!reply) return;  // the command thread connects again
  if (reply->text_at(0) == "reaped") {
    log::error("this node lost its membership (its lease ran out): closing its connections", {{"node", node_}});
    first_heartbeat_ = true;
    if (membership_lost_) membership_lost_();
    return;
  }
  if (!ok(reply)) {
    log::warn("heartbeat failed", {{"reply", status_of(reply)}});
    return;
  }
  first_heartbeat_ = false;

  const auto now = std::chrono::steady_clock::now();
  if (!recovery_.enabled() || now < next_refresh_) return;
  next_refresh_ = now + session_refresh_;
  std::vector<RedisConnection::Command> refreshes;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, client] : clients_) {
      if (client.state == State::Member && !client.pid.empty()) {
        refreshes.push_back(
            {"PEXPIRE", recovery_.session_key(client.pid), std::to_string(recovery_.connected_ttl().count())});
      }
    }
  }
  if (!refreshes.empty()) connection.pipeline(refreshes);
}

void ClusterChatService::run_reader(std::stop_token stop) {
  bool told = false;
  while (!stop.stop_requested()) {
    if (!reader_.connected()) {
      auto connected = reader_.connect();
      if (connected) {
        auto id = reader_.command({"GET", cluster_.redis.prefix + "chat:cluster-id"});
        if (!id || id->is_error()) {
          connected = Failure{id ? id->text : id.error().reason};
          reader_.disconnect();
        } else if (!id->is_text() || id->text != cluster_id_) {
          connected = Failure{"Redis holds another cluster, or lost its data: not applying its stream"};
          reader_.disconnect();
        }
      }
      if (!connected) {
        if (!told) log::error("cannot read the cluster's stream", {{"reason", connected.error().reason}});
        told = true;
        std::this_thread::sleep_for(kRetryDelay);
        continue;
      }
      if (told) log::info("reading the cluster's stream again", {{"from", read_.to_string()}});
      told = false;
      if (const auto trimmed = last_trimmed(reader_, stream_key_); trimmed && read_ < *trimmed) {
        log::warn("entries this node had not read were trimmed meanwhile: its history has a gap",
                  {{"read", read_.to_string()}, {"trimmed_up_to", trimmed->to_string()}});
      }
    }
    auto reply = reader_.command({"XREAD", "COUNT", std::to_string(kReadCount), "BLOCK",
                                  std::to_string(kReadBlock.count()), "STREAMS", stream_key_, read_.to_string()});
    if (!reply) continue;
    if (reply->is_error()) {
      log::warn("XREAD failed", {{"error", reply->text}});
      std::this_thread::sleep_for(kRetryDelay);
      continue;
    }
    const auto entries = parse_xread(*reply);
    if (entries.empty()) continue;
    if (!apply_batch(entries, /*live=*/true)) reader_.disconnect();  // read again from read_
  }
}

bool ClusterChatService::apply_batch(const std::vector<StreamEntry>& entries, bool live) {
  std::vector<Decoded> decoded(entries.size());
  std::vector<store::StoredMessage> messages;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& entry = entries[i];
    auto& d = decoded[i];
    d.entry = &entry;
    if (entry.nsp != "/") continue;
    if (entry.type == "3") {
      auto broadcast = decode_adapter_broadcast(entry.data);
      if (broadcast) {
        d.broadcast = std::move(*broadcast);
      } else {
        log::debug("stream entry skipped", {{"id", entry.id_text}, {"reason", broadcast.error().reason}});
      }
    }
    if (!entry.chat || !d.broadcast) continue;
    const auto chat = json::parse(*entry.chat, nullptr, false);
    if (!chat.is_object()) continue;
    d.op = chat.value("op", "");
    d.nick = chat.value("nick", "");
    d.conn = chat.value("conn", "");
    if (d.op != "message") continue;
    const auto& args = d.broadcast->args;
    if (args.size() < 4 || !args[1].is_string() || !args[2].is_string() || !args[3].is_object()) {
      d.op.clear();  // not a message of the chat functions: delivered as it is
      continue;
    }
    const auto& meta = args[3];
    d.message = store::StoredMessage{meta.value("id", std::int64_t{0}), args[1].get<std::string>(),
                                     args[2].get<std::string>(), meta.value("ts", std::int64_t{0}), 0};
    messages.push_back(*d.message);
  }

  // What resuming clients of this node missed, read before anything is applied.
  std::map<std::string, std::vector<OutgoingPacket>> replays;
  for (const auto& d : decoded) {
    if (!live || d.op != "resume" || !local(d.conn)) continue;
    StreamId offset;
    std::vector<std::string> rooms;
    {
      std::lock_guard lock(mutex_);
      const auto* client = find_conn(d.conn);
      if (!client || client->state != State::Resuming) continue;
      offset = StreamId::parse(client->offset).value_or(StreamId{});
      rooms = client->session.rooms;
    }
    auto missed = recovery_.missed(reader_, offset, d.entry->id, rooms);
    if (!missed) {
      log::warn("cannot read what a resuming client missed", {{"reason", missed.error().reason}});
      return false;
    }
    replays[d.conn] = std::move(*missed);
  }

  if (!messages.empty()) {
    for (bool told = false;;) {
      auto stored = history_.apply_replicated(messages, entries.back().id_text);
      if (stored) break;
      if (!told) log::error("cannot store the cluster's messages: retrying", {{"reason", stored.error().reason}});
      told = true;
      if (reader_thread_.get_stop_token().stop_requested()) return false;
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    count(&metrics::Metrics::messages_stored, messages.size());
  }

  const auto report = [&] {
    std::lock_guard lock(mutex_);
    bool list_changed = false;
    for (const auto& d : decoded) {
      if (d.op == "join" || d.op == "resume" || d.op == "leave") list_changed |= d.entry->id > snapshot_;
      apply(d, replays);
    }
    if (list_changed) send_nicknames();
  };
  if (report_scope_) {
    report_scope_(report);
  } else {
    report();
  }
  read_ = entries.back().id;
  return true;
}

// ---- applying entries (under mutex_) ---------------------------------------------------------

bool ClusterChatService::local(const std::string& conn) const {
  return conn.size() > node_.size() && conn.compare(0, node_.size(), node_) == 0 && conn[node_.size()] == ':';
}

ClusterChatService::Client* ClusterChatService::find(chat::ClientId client) {
  const auto it = clients_.find(client);
  return it == clients_.end() ? nullptr : &it->second;
}

ClusterChatService::Client* ClusterChatService::find_conn(const std::string& conn) {
  const auto it = by_conn_.find(conn);
  return it == by_conn_.end() ? nullptr : find(it->second);
}

void ClusterChatService::apply(const Decoded& d, std::map<std::string, std::vector<OutgoingPacket>>& replays) {
  const auto& entry = *d.entry;
  applied_ = entry.id_text;
  if (!d.broadcast) return;
  const bool changes_list = entry.id > snapshot_;
  if (d.op == "message") {
    delivered_up_to_ = std::max(delivered_up_to_, d.message->id);
    recent_.push_back(*d.message);
    while (recent_.size() > config_.history_on_join) recent_.pop_front();
  } else if (d.op == "join" || d.op == "resume") {
    if (changes_list) online_[fold_case(d.nick)] = d.nick;
    auto* client = local(d.conn) ? find_conn(d.conn) : nullptr;
    if (client && d.op == "join" && client->state == State::Joining) {
      client->state = State::Member;
      client->nickname = d.nick;
      const auto id = by_conn_.at(d.conn);
      if (client->join_ack)
        outbox_.send(id, events::encode_ack_text(*client->join_ack, events::NicknameAck{false, {}}));
      log::debug("joined", {{"client", id}, {"nickname", d.nick}});
      for (const auto& message : recent_) {
        outbox_.send(
            id, events::encode_text(events::UserMessage{message.from, message.text, {message.id, message.ts, true}}));
      }
    } else if (client && d.op == "resume" && client->state == State::Resuming) {
      const auto id = by_conn_.at(d.conn);
      if (by_sid_[client->sid] == id) by_sid_.erase(client->sid);
      client->sid = client->session.sid;
      client->pid = client->session.pid;
      by_sid_[client->sid] = id;
      client->answer(client->pid, client->sid);
      client->answer = nullptr;
      for (const auto& packet : replays[d.conn]) send(id, packet);
      client->state = State::Member;
      client->nickname = d.nick;
      log::debug("resumed", {{"client", id}, {"nickname", d.nick}});
    } else if (local(d.conn) && !(client && client->state == State::Member && client->nickname == d.nick)) {
      release_stray(d);
    }
  } else if (d.op == "leave") {
    if (changes_list) online_.erase(fold_case(d.nick));
    if (auto* client = local(d.conn) ? find_conn(d.conn) : nullptr; client && client->state == State::Member) {
      // Its member left elsewhere (it resumed on another connection, or this
      // node was reaped): this connection is no member any more.
      client->state = State::Connected;
      client->nickname.clear();
    }
  }
  deliver(*d.broadcast, entry.id_text);
}

void ClusterChatService::release_stray(const Decoded& d) {
  // The functions gave a nickname to a connection of this node that does not
  // expect it (gone meanwhile, or its request failed on this side): give it
  // back, keeping a resumed session resumable.
  if (!commands_) return;
  commands_->submit(
      call("chat_leave", {d.conn, fold_case(d.nick), d.op == "resume" ? "1" : "0", ""}),
      [conn = d.conn](const RedisConnection::Reply& reply) {
        if (!reply || reply->is_error()) log::warn("cannot release a nickname", {{"conn", conn}});
      },
      RedisCommandThread::WhenDown::Wait);
}

void ClusterChatService::deliver(const AdapterBroadcast& broadcast, const std::string& offset) {
  std::vector<chat::ClientId> to;
  const auto in_room = [](const Client& client, const std::string& room) {
    return room == client.sid || (client.state == State::Member && room == RedisRecovery::kChatRoom);
  };
  const auto excluded = [&](const Client& client) {
    return std::any_of(broadcast.except.begin(), broadcast.except.end(),
                       [&](const std::string& room) { return in_room(client, room); });
  };
  const bool by_sid_only = !broadcast.rooms.empty() &&
                           std::none_of(broadcast.rooms.begin(), broadcast.rooms.end(),
                                        [](const std::string& room) { return room == RedisRecovery::kChatRoom; });
  if (by_sid_only) {
    // Private emits of Node.js sockets (rooms: [sid]) are most of what this
    // node is not concerned with: looked up, not scanned.
    for (const auto& room : broadcast.rooms) {
      const auto it = by_sid_.find(room);
      if (it == by_sid_.end()) continue;
      const auto* client = find(it->second);
      if (client && client->state != State::Resuming && !excluded(*client)) to.push_back(it->second);
    }
  } else {
    to.reserve(clients_.size());
    for (const auto& [id, client] : clients_) {
      if (client.state == State::Resuming) continue;  // it gets the entry in its replay
      const bool included =
          broadcast.rooms.empty() || std::any_of(broadcast.rooms.begin(), broadcast.rooms.end(),
                                                 [&](const std::string& room) { return in_room(client, room); });
      if (included && !excluded(client)) to.push_back(id);
    }
  }
  if (to.empty()) return;
  const auto packet = to_outgoing(broadcast, recovery_.enabled() ? offset : std::string());
  if (!broadcast.args.empty() && broadcast.args.front() == events::kUserMessage) {
    count(&metrics::Metrics::deliveries, to.size());
  }
  if (packet.binary()) {
    outbox_.broadcast_binary(to, packet.packet, packet.attachments);
  } else {
    outbox_.broadcast(to, ::codec::sio::encode(packet.packet));
  }
}

void ClusterChatService::send(chat::ClientId client, const OutgoingPacket& packet) {
  if (packet.binary()) {
    outbox_.broadcast_binary({client}, packet.packet, packet.attachments);
  } else {
    outbox_.send(client, ::codec::sio::encode(packet.packet));
  }
}

void ClusterChatService::send_nicknames() {
  events::Nicknames list;
  list.nicknames.reserve(online_.size());
  for (const auto& [folded, nick] : online_) list.nicknames.push_back(nick);
  std::sort(list.nicknames.begin(), list.nicknames.end());
  auto packet = events::encode_text(list);
  if (recovery_.enabled()) ::codec::sio::append_offset(packet, applied_);
  std::vector<chat::ClientId> members;
  members.reserve(clients_.size());
  for (const auto& [id, client] : clients_) {
    if (client.state == State::Member) members.push_back(id);
  }
  outbox_.broadcast_snapshot(members, packet);
}

// ---- what clients do ------------------------------------------------------------------------

void ClusterChatService::open(chat::ClientId client, const std::string& sid,
                              const std::optional<chat::ResumeRequest>& resume, Answer answer) {
  const std::string conn = node_ + ":" + std::to_string(client);
  std::string pid = recovery_.enabled() ? chat::generate_recovery_token() : std::string();
  const bool resuming = resume && recovery_.enabled() && StreamId::parse(resume->offset).has_value() &&
                        resume->recovery_token.size() <= 64;
  {
    std::lock_guard lock(mutex_);
    Client fresh{sid,
                 conn,
                 pid,
                 {},
                 State::Connected,
                 chat::TokenBucket(config_.rate_limit, config_.rate_burst, chat::TokenBucket::Clock::now()),
                 {},
                 {},
                 {},
                 {},
                 {}};
    auto [it, added] = clients_.try_emplace(client, std::move(fresh));
    if (!added) return;
    by_conn_[conn] = client;
    by_sid_[sid] = client;
    if (!resuming) {
      answer(pid.empty() ? std::nullopt : std::optional(pid), std::nullopt);
      return;
    }
    it->second.state = State::Resuming;
    it->second.answer = std::move(answer);
    it->second.offset = resume->offset;
  }
  // Queued, not waited for: the answer comes from the command thread (a
  // fresh session) or the reader thread (resumed).
  start_resume(client, resume->recovery_token, resume->offset);
}

void ClusterChatService::start_resume(chat::ClientId client, std::string pid, std::string offset) {
  // 1. The session, read (not consumed) to learn its nickname and rooms.
  commands_->submit(
      {"GET", recovery_.session_key(pid)}, [this, client, pid, offset](const RedisConnection::Reply& reply) {
        if (!reply || reply->type != RedisReply::Type::String) return fail_resume(client);
        auto session = decode_adapter_session(reply->text);
        if (!session || !session->nick || session->pid != pid || session->sid.empty()) return fail_resume(client);
        // 2. Not more missed than a resume replays.
        const auto after = StreamId::parse(offset).value_or(StreamId{});
        commands_->submit(recovery_.count_after(after),
                          [this, client, pid, offset, raw = reply->text,
                           session = std::move(*session)](const RedisConnection::Reply& counted) {
                            if (!counted || counted->is_error() || recovery_.too_many(*counted))
                              return fail_resume(client);
                            // 3. The resume itself: the reader completes it at its entry.
                            RedisConnection::Command resume;
                            {
                              std::lock_guard lock(mutex_);
                              auto* c = find(client);
                              if (!c || c->state != State::Resuming) return;
                              c->session = session;
                              const auto& nick = *session.nick;
                              resume = call("chat_resume", {node_, c->conn, fold_case(nick), nick, session.sid, pid,
                                                            std::to_string(recovery_.window().count()), offset, raw,
                                                            recovery_.member_session(session.sid, pid, nick),
                                                            std::to_string(recovery_.connected_ttl().count())});
                            }
                            commands_->submit(std::move(resume), [this, client](const RedisConnection::Reply& resumed) {
                              if (ok(resumed)) return;
                              log::debug("resume refused", {{"client", client}, {"reason", status_of(resumed)}});
                              fail_resume(client);
                            });
                          });
      });
}

void ClusterChatService::fail_resume(chat::ClientId client) {
  std::lock_guard lock(mutex_);
  auto* c = find(client);
  if (!c || c->state != State::Resuming) return;
  c->state = State::Connected;
  auto answer = std::move(c->answer);
  c->answer = nullptr;
  answer(c->pid.empty() ? std::nullopt : std::optional(c->pid), std::nullopt);
}

void ClusterChatService::close(chat::ClientId client, bool resumable) {
  std::lock_guard lock(mutex_);
  const auto it = clients_.find(client);
  if (it == clients_.end()) return;
  Client gone = std::move(it->second);
  clients_.erase(it);
  by_conn_.erase(gone.conn);
  if (const auto sid = by_sid_.find(gone.sid); sid != by_sid_.end() && sid->second == client) by_sid_.erase(sid);
  if (gone.state != State::Member) return;  // a join or resume under way is released by the reader
  const bool keep = resumable && !gone.pid.empty();
  commands_->submit(
      call("chat_leave", {gone.conn, fold_case(gone.nickname), keep ? "1" : "0",
                          keep ? recovery_.member_session(gone.sid, gone.pid, gone.nickname) : ""}),
      [conn = gone.conn](const RedisConnection::Reply& reply) {
        if (!reply || reply->is_error()) log::warn("a departure did not reach Redis", {{"conn", conn}});
      },
      RedisCommandThread::WhenDown::Wait);
}

void ClusterChatService::on_nickname(chat::ClientId client, const events::NicknameRequest& request) {
  const std::string nickname = rules::trim(request.nickname);
  const auto answer = [this, client, ack_id = request.ack_id](bool refused, std::string reason) {
    if (refused) log::debug("nickname refused", {{"client", client}, {"reason", reason}});
    if (ack_id) {
      outbox_.send(client, events::encode_ack_text(*ack_id, events::NicknameAck{refused, std::move(reason)}));
    } else if (refused) {
      outbox_.send(client, events::encode_text(events::ChatError{std::string(events::kNickname), std::move(reason)}));
    }
  };
  RedisConnection::Command join;
  {
    std::lock_guard lock(mutex_);
    auto* c = find(client);
    if (!c) return;
    if (auto attempt = take_attempt(*c); !attempt) return answer(true, attempt.error().reason);
    if (auto valid = rules::validate_nickname(nickname); !valid) return answer(true, valid.error().reason);
    if (c->state == State::Member) {
      return answer(true, c->nickname == nickname ? "You already use this nickname" : "You already have a nickname");
    }
    if (c->state != State::Connected) return answer(true, "A nickname request is under way");
    const auto folded = fold_case(nickname);
    if (online_.count(folded)) return answer(true, "Nickname already in use");
    if (!commands_->available()) return answer(true, kUnavailable);
    c->state = State::Joining;
    c->join_ack = request.ack_id;
    c->requested = nickname;
    join =
        call("chat_join", {node_, c->conn, folded, nickname, c->sid, c->pid, std::to_string(recovery_.window().count()),
                           c->pid.empty() ? "" : recovery_.member_session(c->sid, c->pid, nickname),
                           std::to_string(recovery_.connected_ttl().count())});
  }
  commands_->submit(std::move(join), [this, client, answer](const RedisConnection::Reply& reply) {
    if (ok(reply)) return;  // the reader completes the join when it reaches its entry
    const auto status = status_of(reply);
    {
      std::lock_guard lock(mutex_);
      auto* c = find(client);
      if (!c || c->state != State::Joining) return;
      c->state = State::Connected;
    }
    answer(true, status == "taken" ? "Nickname already in use" : kUnavailable);
  });
}

void ClusterChatService::on_user_message(chat::ClientId client, const events::UserMessageRequest& request) {
  std::optional<std::string> reason;
  RedisConnection::Command message;
  {
    std::lock_guard lock(mutex_);
    auto* c = find(client);
    if (!c) return;
    if (auto attempt = take_attempt(*c); !attempt) {
      reason = attempt.error().reason;
    } else if (c->state != State::Member) {
      reason = "Choose a nickname before sending messages";
    } else if (auto valid = rules::validate_message(request.text); !valid) {
      reason = valid.error().reason;
    } else if (auto key = request.key ? rules::validate_message_key(*request.key) : decltype(valid){}; !key) {
      reason = key.error().reason;
    } else {
      // The key is scoped to the member's pid in Redis (chat.lua): without
      // recovery there is no member beyond the connection, and no key, as in
      // single-node mode.
      message = call("chat_message", {c->conn, fold_case(c->nickname), request.text,
                                      c->pid.empty() ? std::string() : request.key.value_or(std::string())});
    }
  }
  if (!reason && !commands_->available()) reason = kUnavailable;
  if (reason) return refuse(client, events::kUserMessage, request.ack_id, *reason);
  const auto sent_at = std::chrono::steady_clock::now();
  commands_->submit(std::move(message),
                    [this, client, ack_id = request.ack_id, sent_at](const RedisConnection::Reply& reply) {
                      if (metrics_) {
                        const std::chrono::duration<double> waited = std::chrono::steady_clock::now() - sent_at;
                        metrics_->append_seconds.observe(waited.count());
                      }
                      if (!ok(reply) || reply->elements.size() < 4) {
                        count(&metrics::Metrics::append_failures);
                        return refuse(client, events::kUserMessage, ack_id, kUnavailable);
                      }
                      // Acked once Redis has it (AOF, appendfsync always); the entry reaches
                      // everyone, this node's clients too, through the stream. A repeated
                      // key stored nothing: the ack names the first copy.
                      if (reply->text_at(4) == "repeated") {
                        log::debug("message key repeated", {{"client", client}, {"id", reply->elements[2].integer}});
                      }
                      if (ack_id) {
                        const events::MessageMeta meta{reply->elements[2].integer, reply->elements[3].integer, false};
                        outbox_.send(client, events::encode_ack_text(*ack_id, events::UserMessageAck{meta, {}}));
                      }
                    });
}

void ClusterChatService::on_history(chat::ClientId client, const events::HistoryRequest& request) {
  std::optional<std::string> reason;
  std::int64_t delivered_up_to = 0;
  {
    std::lock_guard lock(mutex_);
    delivered_up_to = delivered_up_to_;
    auto* c = find(client);
    if (!c) return;
    if (auto attempt = take_attempt(*c); !attempt) {
      reason = attempt.error().reason;
    } else if (c->state != State::Member) {
      reason = "Choose a nickname before reading the history";
    }
  }
  if (!reason && !request.ack_id) reason = "history needs an ack id: the page comes in the ack";
  if (reason) return refuse(client, events::kHistory, request.ack_id, *reason);

  const std::int64_t before =
      std::min(request.before.value_or(std::numeric_limits<std::int64_t>::max()), delivered_up_to + 1);
  auto page = chat::read_history_page(history_, before);
  if (!page) {
    log::warn("history not read", {{"client", client}, {"error", page.error().reason}});
    return refuse(client, events::kHistory, request.ack_id, page.error().reason);
  }
  outbox_.send(client, events::encode_ack_text(*request.ack_id, *page));
}

void ClusterChatService::refuse(chat::ClientId client, std::string_view event, std::optional<std::uint64_t> ack_id,
                                const std::string& reason) {
  log::debug("request refused", {{"client", client}, {"event", event}, {"reason", reason}});
  outbox_.send(client, events::encode_refusal_text(event, ack_id, reason));
}

::codec::Result<void, Failure> ClusterChatService::take_attempt(Client& client) {
  if (client.attempts.try_take(chat::TokenBucket::Clock::now())) return {};
  count(&metrics::Metrics::rate_limited);
  return Failure{"rate limit: at most " + std::to_string(config_.rate_limit) +
                 (config_.rate_limit == 1 ? " message" : " messages") + " per second"};
}

}  // namespace chatd::cluster
