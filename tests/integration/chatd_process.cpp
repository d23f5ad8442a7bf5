#include "chatd_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace chat_it {

namespace {

using Clock = std::chrono::steady_clock;

// chatd reads these from the environment; a developer's shell must not
// change what a test runs.
constexpr const char* kChatdEnvironment[] = {
    "PORT=",
    "CHATD_BIND=",
    "CHATD_DB=",
    "CHATD_HISTORY=",
    "CHATD_HEADLESS=",
    "CHATD_WWW=",
    "CHATD_MAX_CONNECTIONS=",
    "CHATD_PING_INTERVAL=",
    "CHATD_PING_TIMEOUT=",
    "CHATD_MAX_PAYLOAD=",
    "CHATD_CONNECT_TIMEOUT=",
    "CHATD_ALLOWED_ORIGINS=",
    "CHATD_CONFORMANCE=",
    "CHATD_CERT=",
    "CHATD_KEY=",
    "CHATD_REQUEST_TIMEOUT=",
    "CHATD_DB_MAX_SIZE=",
    "CHATD_LOG_LEVEL=",
    "CHATD_RECOVERY_WINDOW=",
    "CHATD_RATE_LIMIT=",
    "CHATD_RATE_BURST=",
    "CHATD_MAX_CONNECTIONS_PER_ADDRESS=",
};

bool is_chatd_variable(const char* entry) {
  for (const char* prefix : kChatdEnvironment) {
    if (std::strncmp(entry, prefix, std::strlen(prefix)) == 0) return true;
  }
  return false;
}

std::runtime_error spawn_error(const std::string& what, int error) {
  return std::runtime_error("chatd: " + what + ": " + std::strerror(error));
}

}  // namespace

std::string ChatdProcess::binary_path() { return CHATD_BINARY; }

ChatdProcess::ChatdProcess(std::vector<std::string> extra_args, std::filesystem::path db)
    : db_(db.empty() ? work_dir_.path() / "chat.db" : std::move(db)), stderr_path_(work_dir_.path() / "chatd.stderr") {
  std::vector<std::string> args = {binary_path(), "--headless", "--port", "0", "--db", db_.string()};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  spawn(args);
  try {
    read_ready_line();
  } catch (...) {
    kill_now();
    throw;
  }
}

ChatdProcess::~ChatdProcess() {
  kill_now();
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
}

void ChatdProcess::spawn(const std::vector<std::string>& args) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw spawn_error("pipe2", errno);

  std::vector<char*> argv;
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (char** entry = environ; *entry; ++entry) {
    if (!is_chatd_variable(*entry)) envp.push_back(*entry);
  }
  envp.push_back(nullptr);

  // Opened before the fork: between fork and exec only async-signal-safe calls.
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const int stderr_fd = ::open(stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (null_fd < 0 || stderr_fd < 0) {
    const int error = errno;
    if (null_fd >= 0) ::close(null_fd);
    if (stderr_fd >= 0) ::close(stderr_fd);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    throw spawn_error("cannot open the child's stdin or stderr", error);
  }
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ == 0) {
    // chatd dies with the test process, even if that one is killed or crashes.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::dup2(stderr_fd, STDERR_FILENO);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  const int error = errno;
  ::close(null_fd);
  ::close(stderr_fd);
  ::close(pipe_fds[1]);
  if (pid_ < 0) {
    ::close(pipe_fds[0]);
    throw spawn_error("fork", error);
  }
  stdout_fd_ = pipe_fds[0];
}

void ChatdProcess::read_ready_line() {
  const auto deadline = Clock::now() + kStartTimeout;
  std::string output;
  while (output.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      throw std::runtime_error("chatd printed no ready line within " + std::to_string(kStartTimeout.count()) +
                               " ms; stdout so far: '" + output + "'; stderr: " + stderr_text());
    }
    pollfd poll_fd{stdout_fd_, POLLIN, 0};
    const int ready = ::poll(&poll_fd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno != EINTR) throw spawn_error("poll", errno);
    if (ready <= 0) continue;
    char chunk[512];
    const ssize_t count = ::read(stdout_fd_, chunk, sizeof chunk);
    if (count < 0 && errno != EINTR) throw spawn_error("read", errno);
    if (count == 0) {
      throw std::runtime_error("chatd exited before it was ready; stdout: '" + output + "'; stderr: " + stderr_text());
    }
    if (count > 0) output.append(chunk, static_cast<std::size_t>(count));
  }
  ready_line_ = output.substr(0, output.find('\n'));
  // The chat names its database; the conformance servers have none. A test
  // may turn the page on (--headless=false --www DIR) or TLS (https).
  static const std::regex chat_pattern(
      R"(^chatd listening on (https?)://127\.0\.0\.1:(\d+)( \(headless\))?, history in (.+)$)");
  static const std::regex conformance_pattern(
      R"(^chatd listening on (https?)://127\.0\.0\.1:(\d+) \(conformance: .*\)$)");
  std::smatch match;
  const bool chat = std::regex_match(ready_line_, match, chat_pattern);
  if (!chat && !std::regex_match(ready_line_, match, conformance_pattern)) {
    throw std::runtime_error("unexpected ready line from chatd: '" + ready_line_ + "'");
  }
  tls_ = match[1].str() == "https";
  const unsigned long port = std::stoul(match[2].str());
  if (port == 0 || port > 65535) throw std::runtime_error("bad port in ready line: '" + ready_line_ + "'");
  if (chat && match[4].str() != db_.string()) {
    throw std::runtime_error("ready line names another database: '" + ready_line_ + "'");
  }
  port_ = static_cast<std::uint16_t>(port);
}

int ChatdProcess::record_status(int status) {
  exited_ = true;
  exit_result_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return exit_result_;
}

bool ChatdProcess::running() {
  if (pid_ < 0 || exited_) return false;
  int status = 0;
  const pid_t reaped = ::waitpid(pid_, &status, WNOHANG);
  if (reaped == pid_) {
    record_status(status);
    return false;
  }
  return true;
}

int ChatdProcess::stop(std::chrono::milliseconds grace, bool wake_listener) {
  if (pid_ < 0 || exited_) return exit_result_;
  send_signal(SIGTERM);
  return wait_for_exit(grace, wake_listener);
}

void ChatdProcess::send_signal(int signal_number) {
  if (pid_ < 0 || exited_) return;
  signalled_at_ = Clock::now();
  ::kill(pid_, signal_number);
}

int ChatdProcess::wait_for_exit(std::chrono::milliseconds grace, bool wake,
                                const std::function<void()>& while_waiting) {
  if (pid_ < 0 || exited_) return exit_result_;
  const auto start = signalled_at_ == Clock::time_point{} ? Clock::now() : signalled_at_;
  const auto deadline = start + grace;
  // chatd sleeps 200 ms for its close frames to leave before it stops CivetWeb.
  auto next_wake = start + std::chrono::milliseconds(250);
  while (Clock::now() < deadline) {
    if (wake && Clock::now() >= next_wake) {
      wake_listener();
      next_wake = Clock::now() + std::chrono::milliseconds(100);
    }
    int status = 0;
    const pid_t reaped = ::waitpid(pid_, &status, WNOHANG);
    if (reaped == pid_) {
      stop_duration_ = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
      return record_status(status);
    }
    if (while_waiting) {
      while_waiting();
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  kill_now();
  stop_duration_ = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  exit_result_ = -1;  // had to be killed: never a clean stop
  return exit_result_;
}

void ChatdProcess::kill_now() {
  if (pid_ < 0 || exited_) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  record_status(status);
}

void ChatdProcess::wake_listener() const {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port_);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);  // refused once it is gone
  ::close(fd);
}

std::string ChatdProcess::stderr_text() const {
  std::ifstream file(stderr_path_);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace chat_it
