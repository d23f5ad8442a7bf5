#pragma once
// The real chatd binary as a child process, for one test.
//
// The constructor starts `chatd --headless --port 0 --db <db> <extra args...>`
// and waits (with a timeout) for its one ready line on stdout, from which it
// reads the port. The destructor kills the process if a test did not stop it,
// so that no chatd outlives its test, even when an assertion fails.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "temporary_directory.hpp"

namespace chat_it {

class ChatdProcess {
 public:
  static constexpr std::chrono::milliseconds kStartTimeout{5000};
  static constexpr std::chrono::milliseconds kStopGrace{5000};

  // `db`: the history database; empty for a fresh one in a private temporary
  // directory. `extra_args` are appended to the command line.
  explicit ChatdProcess(std::vector<std::string> extra_args = {}, std::filesystem::path db = {});
  ~ChatdProcess();

  ChatdProcess(const ChatdProcess&) = delete;
  ChatdProcess& operator=(const ChatdProcess&) = delete;

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::filesystem::path& db() const { return db_; }
  const std::string& ready_line() const { return ready_line_; }
  // The ready line said https:// (chatd runs with --cert and --key).
  bool tls() const { return tls_; }

  // True while the child has not exited (reaps it if it has).
  bool running();

  // Sends SIGTERM and waits up to `grace` for the exit; sends SIGKILL after
  // that. Returns the exit code, or -1 when the process had to be killed or
  // died of a signal. Calling it again returns the first result.
  int stop(std::chrono::milliseconds grace = kStopGrace, bool wake_listener = true);

  // The two halves of stop(), for tests that act between them.
  //
  // CivetWeb's listener thread notices the stop only when its poll() times
  // out, about 2 s after chatd begins to stop. To keep the suite fast,
  // wait_for_exit() wakes it by opening (and at once closing) a TCP
  // connection to the port every 100 ms once the stop is under way; pass
  // `wake_listener = false` to measure the unassisted shutdown.
  void send_signal(int signal_number);
  // `while_waiting`, when given, runs in the waiting loop instead of a short
  // sleep (tests read on their clients there, so that they answer the close
  // frames and CivetWeb's connection threads can end).
  int wait_for_exit(std::chrono::milliseconds grace = kStopGrace, bool wake_listener = true,
                    const std::function<void()>& while_waiting = {});

  // From the last send_signal() to the exit.
  std::chrono::milliseconds stop_duration() const { return stop_duration_; }

  // What chatd wrote to stderr so far (kept in a file of the private directory).
  std::string stderr_text() const;

  static std::string binary_path();

 private:
  void spawn(const std::vector<std::string>& args);
  void read_ready_line();
  void kill_now();
  void wake_listener() const;
  int record_status(int status);

  TemporaryDirectory work_dir_;
  std::filesystem::path db_;
  std::filesystem::path stderr_path_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::uint16_t port_ = 0;
  std::string ready_line_;
  bool tls_ = false;
  bool exited_ = false;
  int exit_result_ = -1;
  std::chrono::milliseconds stop_duration_{0};
  std::chrono::steady_clock::time_point signalled_at_{};
};

}  // namespace chat_it
