// The chat service keeps nothing of connection state recovery itself: it
// asks its Recovery. A scripted Recovery shows what the service hands it and
// what it does with the answers, as another implementation (e.g. one shared
// by several chatd instances) would see it.

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "chat/chat_service.hpp"
#include "chat/recovery.hpp"
#include "codec/connection_recovery.hpp"
#include "recording_outbox.hpp"
#include "store/sqlite_history_store.hpp"
#include "temporary_directory.hpp"

namespace chat = chatd::chat;
namespace events = codec::events;
using Strings = std::vector<std::string>;

namespace {

class ScriptedRecovery final : public chat::Recovery {
 public:
  Strings calls;                                 // what the service asked, in order
  Strings kept;                                  // "packet skipping author"
  std::optional<chat::ResumedMember> resumable;  // what resume() gives, once

  std::optional<chat::MemberKeys> welcome() override {
    ++members_;
    calls.push_back("welcome");
    return chat::MemberKeys{"token-" + std::to_string(members_), 100 + members_};
  }
  std::optional<chat::ResumedMember> resume(const chat::ResumeRequest& request,
                                            const NicknameFree& nickname_free) override {
    calls.push_back("resume " + request.recovery_token + " " + request.offset);
    if (!resumable || !nickname_free(resumable->nickname)) return std::nullopt;
    auto resumed = std::move(*resumable);
    resumable.reset();
    return resumed;
  }
  void joined(const chat::MemberKeys& keys, const std::string& nickname) override {
    calls.push_back("joined " + keys.recovery_token + " " + nickname);
  }
  void left(const chat::MemberKeys& keys, const std::string& nickname, bool resumable_left) override {
    calls.push_back("left " + keys.recovery_token + " " + nickname + (resumable_left ? " resumable" : " for good"));
  }
  void forget_expired() override { calls.push_back("forget expired"); }
  void tag_broadcast(std::string& packet, std::int64_t message_id) override {
    codec::sio::append_offset(packet, "offset-" + std::to_string(++seq_) + "-" + std::to_string(message_id));
  }
  void keep_broadcast(std::string packet, std::int64_t skipped_author) override {
    kept.push_back(packet + " skipping " + std::to_string(skipped_author));
  }
  void tag_snapshot(std::string& packet) override { codec::sio::append_offset(packet, "now"); }

 private:
  int members_ = 0;
  int seq_ = 0;
};

}  // namespace

TEST_CASE("The chat service leaves tokens, offsets and the kept broadcasts to its Recovery") {
  TemporaryDirectory dir;
  chatd::store::SqliteHistoryStore store(dir.path() / "chat.db");
  ScriptedRecovery recovery;
  RecordingOutbox outbox;
  chat::ChatService chat({.history_on_join = 3, .rate_limit = 0}, store, recovery, outbox);

  std::optional<std::string> handed;
  CHECK_FALSE(chat.connect(1, std::nullopt, [&](const auto& token) { handed = token; }));
  CHECK(handed == "token-1");
  chat.on_nickname(1, events::NicknameRequest{"alice", 1});
  chat.connect(2);
  chat.on_nickname(2, events::NicknameRequest{"bob", 1});
  chat.on_user_message(2, events::UserMessageRequest{"hi", std::nullopt});
  store.flush();
  const auto ts = std::to_string(store.recent(1).at(0).ts);
  CHECK(outbox.take(1) == Strings{"31[false]", R"(2["nicknames",{"alice":"alice"},"now"])",
                                  R"(2["announcement","bob connected","offset-2-0"])",
                                  R"(2["nicknames",{"alice":"alice","bob":"bob"},"now"])",
                                  R"(2["user message","bob","hi",{"id":1,"ts":)" + ts + R"(},"offset-3-1"])"});
  // Kept even when nobody else is there to receive it (alice's own join).
  CHECK(recovery.kept ==
        Strings{R"(2["announcement","alice connected","offset-1-0"] skipping 101)",
                R"(2["announcement","bob connected","offset-2-0"] skipping 102)",
                R"(2["user message","bob","hi",{"id":1,"ts":)" + ts + R"(},"offset-3-1"] skipping 102)"});

  chat.disconnect(1);
  CHECK(recovery.kept.back() == R"(2["announcement","alice disconnected","offset-4-0"] skipping 101)");

  // Resumed: the service replays what Recovery says was missed, then alice is back.
  recovery.resumable = chat::ResumedMember{chat::MemberKeys{"token-1", 101}, "alice", {"missed 1", "missed 2"}};
  handed.reset();
  CHECK(chat.connect(3, chat::ResumeRequest{"token-1", "offset-2-1"}, [&](const auto& token) { handed = token; }));
  CHECK(handed == "token-1");
  CHECK(outbox.take(3) == Strings{"missed 1", "missed 2", R"(2["nicknames",{"alice":"alice","bob":"bob"},"now"])"});
  CHECK(recovery.kept.back() == R"(2["announcement","alice connected","offset-5-0"] skipping 101)");

  // Refused when the nickname was taken meanwhile: a fresh member instead.
  chat.disconnect(2, /*resumable=*/false);
  recovery.resumable = chat::ResumedMember{chat::MemberKeys{"token-2", 102}, "ALICE", {"missed"}};
  CHECK_FALSE(
      chat.connect(4, chat::ResumeRequest{"token-2", "offset-4-1"}, [&](const auto& token) { handed = token; }));
  CHECK(handed == "token-3");
  CHECK(outbox.take(4).empty());

  CHECK(recovery.calls == Strings{"forget expired", "welcome", "joined token-1 alice", "forget expired", "welcome",
                                  "joined token-2 bob", "left token-1 alice resumable", "forget expired",
                                  "resume token-1 offset-2-1", "left token-2 bob for good", "forget expired",
                                  "resume token-2 offset-4-1", "welcome"});
}
