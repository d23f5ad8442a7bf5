#include "cluster/redis_command_thread.hpp"

#include "log/logger.hpp"

namespace chatd::cluster {

namespace {

// Every command's reply; a longer silence counts as Redis being unreachable.
constexpr std::chrono::milliseconds kCommandTimeout{2000};
// Between attempts to reach Redis again.
constexpr std::chrono::milliseconds kRetryDelay{500};
// Commands per pipeline: bounds one round trip's size.
constexpr std::size_t kMaxPipeline = 1024;

}  // namespace

RedisCommandThread::RedisCommandThread(RedisEndpoint endpoint, Prepare prepare, std::chrono::milliseconds tick_interval,
                                       Tick tick)
    : connection_(std::move(endpoint), kCommandTimeout),
      prepare_(std::move(prepare)),
      tick_interval_(tick_interval),
      tick_(std::move(tick)),
      thread_([this](std::stop_token stop) { run(stop); }) {}

RedisCommandThread::~RedisCommandThread() {
  thread_.request_stop();
  wake_.notify_all();
  thread_.join();
  fail_waiting_jobs(::codec::Failure{"the server is shutting down"});
}

void RedisCommandThread::submit(RedisConnection::Command argv, Done done, WhenDown when_down) {
  if (when_down == WhenDown::Fail && !available()) {
    if (done) done(::codec::Failure{"cluster unavailable"});
    return;
  }
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(Job{std::move(argv), std::move(done), when_down, false});
  }
  wake_.notify_one();
}

void RedisCommandThread::drain(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  drained_.wait_for(lock, timeout, [this] { return queue_.empty() && !busy_; });
}

void RedisCommandThread::fail_waiting_jobs(const ::codec::Failure& failure) {
  std::deque<Job> failed;
  {
    std::lock_guard lock(mutex_);
    failed.swap(queue_);
  }
  for (auto& job : failed) {
    if (job.done) job.done(failure);
  }
}

void RedisCommandThread::fail_unwaiting_jobs(bool keep_retries) {
  std::deque<Job> kept, failed;
  {
    std::lock_guard lock(mutex_);
    for (auto& job : queue_) {
      const bool keep = job.when_down == WhenDown::Wait || (keep_retries && job.retry);
      (keep ? kept : failed).push_back(std::move(job));
    }
    queue_.swap(kept);
  }
  for (auto& job : failed) {
    if (job.done) job.done(::codec::Failure{"cluster unavailable"});
  }
  drained_.notify_all();
}

bool RedisCommandThread::connect() {
  if (connection_.connected() && available()) return true;
  auto connected = connection_.connect();
  if (connected) connected = prepare_(connection_);
  if (!connected) {
    available_.store(false);
    if (!reported_down_) log::error("cluster unavailable", {{"reason", connected.error().reason}});
    reported_down_ = true;
    connection_.disconnect();
    return false;
  }
  if (reported_down_) log::info("cluster available again");
  reported_down_ = false;
  available_.store(true);
  return true;
}

void RedisCommandThread::run(std::stop_token stop) {
  auto next_tick = std::chrono::steady_clock::now();
  std::vector<Job> batch;
  while (!stop.stop_requested()) {
    // The connection was lost: what must not wait fails before the attempt
    // to connect again, which can itself take the whole timeout (a frozen
    // Redis accepts connections and never answers). Commands put back to run
    // again after their functions were reloaded stay.
    if (!connection_.connected()) fail_unwaiting_jobs(/*keep_retries=*/true);
    if (!connect()) {
      fail_unwaiting_jobs(/*keep_retries=*/false);
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, stop, kRetryDelay, [] { return false; });
      continue;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= next_tick) {
      tick_(connection_);
      next_tick = now + tick_interval_;
      if (!connection_.connected()) continue;
    }
    {
      std::unique_lock lock(mutex_);
      wake_.wait_until(lock, stop, next_tick, [this] { return !queue_.empty(); });
      const auto count = std::min(queue_.size(), kMaxPipeline);
      batch.assign(std::make_move_iterator(queue_.begin()),
                   std::make_move_iterator(queue_.begin() + static_cast<std::ptrdiff_t>(count)));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(count));
      busy_ = !batch.empty();
    }
    if (batch.empty()) continue;
    std::vector<RedisConnection::Command> commands;
    commands.reserve(batch.size());
    for (const auto& job : batch) commands.push_back(job.argv);
    auto replies = connection_.pipeline(commands);
    // Lost midway: from now on, commands fail at once until it is back.
    if (!connection_.connected()) available_.store(false);
    std::deque<Job> retry;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      auto& job = batch[i];
      auto& reply = replies[i];
      // Redis lost its functions (it restarted without them): load them
      // again (prepare) and run the command again.
      const bool lost_functions =
          reply && reply->is_error() && reply->text.find("Function not found") != std::string::npos;
      if (lost_functions || (!reply && job.when_down == WhenDown::Wait)) {
        job.retry = lost_functions;
        retry.push_back(std::move(job));
        continue;
      }
      if (!reply) reply = ::codec::Failure{"cluster unavailable"};
      if (job.done) job.done(std::move(reply));
    }
    if (!retry.empty()) {
      if (connection_.connected()) {
        available_.store(false);  // prepare again before anything else runs
        connection_.disconnect();
      }
      std::lock_guard lock(mutex_);
      for (auto it = retry.rbegin(); it != retry.rend(); ++it) queue_.push_front(std::move(*it));
    }
    batch.clear();
    {
      std::lock_guard lock(mutex_);
      busy_ = false;
    }
    drained_.notify_all();
  }
}

}  // namespace chatd::cluster
