// When SQLite cannot write (a full database, a disk that refuses writes),
// each sender hears why its message was not stored, the server keeps serving
// everyone (joins, history, announcements), and storing resumes once the
// condition clears.

#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "chatd_process.hpp"
#include "history_database.hpp"
#include "http_test_client.hpp"
#include "socketio_test_client.hpp"
#include "temporary_directory.hpp"
#include "test_support.hpp"

using chat_it::ChatdProcess;
using chat_it::HistoryDatabase;
using chat_it::HttpTestClient;
using chat_it::SocketIoTestClient;
using nlohmann::json;
namespace events = codec::events;

namespace {

events::UserMessageAck try_say(SocketIoTestClient& client, const std::string& text) {
  const auto id = client.emit(events::kUserMessage, json::array({text}));
  auto ack = events::decode_user_message_ack(client.wait_for_ack(id));
  if (!ack) throw std::runtime_error("bad message ack: " + ack.error().reason);
  return std::move(*ack);
}

// The joining client's frames: [nickname ack, replayed messages..., nicknames].
std::vector<std::string> join_frames(SocketIoTestClient& client, const std::string& nickname) {
  client.connect();
  client.emit(events::kNickname, json::array({nickname}));
  return client.frames_until([](const std::string& f) { return chat_it::is_event_frame(f, events::kNicknames); });
}

// RLIMIT_FSIZE of another process: with 0, its every write to a regular file
// fails with EFBIG, as on a disk that takes nothing more.
void set_file_size_limit(pid_t pid, rlim_t soft) {
  rlimit current{};
  if (::prlimit(pid, RLIMIT_FSIZE, nullptr, &current) != 0) throw std::runtime_error(std::strerror(errno));
  const rlimit wanted{soft, current.rlim_max};
  if (::prlimit(pid, RLIMIT_FSIZE, &wanted, nullptr) != 0) throw std::runtime_error(std::strerror(errno));
}

}  // namespace

TEST_CASE("a full database refuses messages with the reason, the chat goes on, a larger cap stores again",
          "[storage]") {
  TemporaryDirectory dir;
  const auto db = dir.path() / "chat.db";
  std::int64_t last_id = 0;
  std::size_t stored = 0;
  {
    ChatdProcess server({"--db-max-size", "64K", "--rate-limit", "0"}, db);  // fills it fast
    SocketIoTestClient alice(server.port());
    SocketIoTestClient bob(server.port());
    alice.join("alice");
    bob.join("bob");
    std::optional<std::string> refusal;
    for (int i = 0; i < 200 && !refusal; ++i) {
      const auto ack = try_say(alice, "filler " + std::to_string(i) + " " + std::string(1500, 'x'));
      if (ack.meta) {
        last_id = ack.meta->id;
        ++stored;
      } else {
        refusal = ack.error;
      }
    }
    REQUIRE(refusal);
    CHECK(*refusal == "the message could not be stored: database is full");
    CHECK(stored > 5);
    // Bob got every stored message and nothing of the refused one.
    const auto bob_frames = bob.frames_until([&](const std::string& f) {
      return chat_it::is_event_frame(f, events::kUserMessage) &&
             chat_it::event_as<events::UserMessage>(f).meta.id == last_id;
    });
    CHECK(bob_frames.size() == stored);

    // The rest of the chat works: a join with its replay, announcements, /healthz.
    SocketIoTestClient carol(server.port());
    const auto frames = join_frames(carol, "carol");
    REQUIRE(frames.size() == stored + 2);
    CHECK(frames[0] == "431[false]");
    CHECK(chat_it::event_as<events::UserMessage>(frames[stored]).meta.id == last_id);
    CHECK(frames.back() == R"(42["nicknames",{"alice":"alice","bob":"bob","carol":"carol"}])");
    chat_it::wait_for_announcement(alice, "carol connected");
    chat_it::wait_for_announcement(bob, "carol connected");
    CHECK(HttpTestClient(server.port()).get("/healthz").status == 200);
    bob.close();
    chat_it::wait_for_announcement(alice, "bob disconnected");
    const auto again = try_say(alice, std::string(1500, 'y'));
    CHECK(again.error == "the message could not be stored: database is full");
    CHECK(server.running());
    REQUIRE(chat_it::stop_server(server, {&alice, &carol}) == 0);
    CHECK_THAT(server.stderr_text(), Catch::Contains("msg=\"cannot store messages\" reason=\"database is full\""));
  }
  {
    ChatdProcess server({"--db-max-size", "1M", "--rate-limit", "0"}, db);
    SocketIoTestClient alice(server.port());
    alice.join("alice");
    CHECK(alice.say("room again").id == last_id + 1);
    REQUIRE(chat_it::stop_server(server, {&alice}) == 0);
  }
  HistoryDatabase database(db);
  CHECK(database.integrity_check() == "ok");
  const auto rows = database.rows();
  REQUIRE(rows.size() == stored + 1);
  CHECK(rows.back().body == "room again");
}

TEST_CASE("when the disk refuses writes, senders hear why, the chat goes on, and storing resumes by itself",
          "[storage]") {
  ChatdProcess server;
  SocketIoTestClient alice(server.port());
  SocketIoTestClient bob(server.port());
  alice.join("alice");
  bob.join("bob");
  const auto before = alice.say("before the disk filled");
  bob.wait_for_event(events::kUserMessage);

  set_file_size_limit(server.pid(), 0);
  const auto refused = try_say(alice, "while the disk refuses");
  CHECK_FALSE(refused.meta);
  CHECK(refused.error == "the message could not be stored: disk I/O error");
  CHECK(try_say(bob, "me neither").error == refused.error);

  SocketIoTestClient carol(server.port());
  const auto frames = join_frames(carol, "carol");
  REQUIRE(frames.size() == 3);
  CHECK(chat_it::event_as<events::UserMessage>(frames[1]).text == "before the disk filled");
  chat_it::wait_for_announcement(alice, "carol connected");
  CHECK(HttpTestClient(server.port()).get("/healthz").status == 503);  // the database takes no write

  // The condition clears: the next message is stored, with no restart.
  set_file_size_limit(server.pid(), RLIM_INFINITY);
  CHECK(HttpTestClient(server.port()).get("/healthz").status == 200);
  const auto after = alice.say("the disk takes writes again");
  CHECK(after.id == before.id + 1);
  const auto live = chat_it::event_as<events::UserMessage>(carol.wait_for_event(events::kUserMessage));
  CHECK(live.text == "the disk takes writes again");
  CHECK(chat_it::event_as<events::UserMessage>(bob.wait_for_event(events::kUserMessage)).text == live.text);

  REQUIRE(chat_it::stop_server(server, {&alice, &bob, &carol}) == 0);
  CHECK_THAT(server.stderr_text(), Catch::Contains("msg=\"storing messages again\" refused_meanwhile=2"));
  HistoryDatabase database(server.db());
  CHECK(database.integrity_check() == "ok");
  const auto rows = database.rows();
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].body == "before the disk filled");
  CHECK(rows[1].body == "the disk takes writes again");
}

namespace {

// Makes a file read-only for this process, root included (chmod does not
// stop root; the immutable attribute does), and undoes it at the end.
class ReadOnlyFile {
 public:
  explicit ReadOnlyFile(std::filesystem::path path) : path_(std::move(path)) {
    std::filesystem::permissions(path_, std::filesystem::perms::owner_read | std::filesystem::perms::group_read |
                                            std::filesystem::perms::others_read);
    if (::access(path_.c_str(), W_OK) == 0) {
      immutable_ = std::system(("chattr +i '" + path_.string() + "' 2>/dev/null").c_str()) == 0;
    }
  }
  ~ReadOnlyFile() {
    if (immutable_) std::system(("chattr -i '" + path_.string() + "'").c_str());
    std::filesystem::permissions(path_, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
  }
  ReadOnlyFile(const ReadOnlyFile&) = delete;
  ReadOnlyFile& operator=(const ReadOnlyFile&) = delete;

  bool read_only() const { return ::access(path_.c_str(), W_OK) != 0; }

 private:
  std::filesystem::path path_;
  bool immutable_ = false;
};

}  // namespace

TEST_CASE("a read-only database stops chatd at start with a clear message", "[storage]") {
  TemporaryDirectory dir;
  const auto db = dir.path() / "chat.db";
  {
    ChatdProcess server({}, db);
    SocketIoTestClient alice(server.port());
    alice.join("alice");
    alice.say("stored before");
    REQUIRE(chat_it::stop_server(server, {&alice}) == 0);
  }
  const ReadOnlyFile read_only(db);
  INFO("as root this needs chattr (e2fsprogs) on a file system with the immutable attribute");
  REQUIRE(read_only.read_only());
  try {
    ChatdProcess server({}, db);
    FAIL("chatd started on a read-only database");
  } catch (const std::runtime_error& error) {
    CHECK_THAT(error.what(),
               Catch::Contains("chatd exited before it was ready") &&
                   Catch::Contains("database " + db.string() + " is read-only; chatd needs to write to it"));
  }
}
