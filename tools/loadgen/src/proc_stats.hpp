#pragma once
// CPU and memory of this process (getrusage) and of the server (/proc/<pid>).
#include <sys/types.h>
#include <cstdint>
#include <optional>

namespace loadgen {

// CPU seconds (user + system) this process has used.
double self_cpu_seconds();
// CPU seconds (user + system, all threads) of process `pid`, if readable.
std::optional<double> process_cpu_seconds(pid_t pid);
// VmRSS of process `pid` in KiB, if readable.
std::optional<std::int64_t> process_rss_kib(pid_t pid);
// Number of threads of process `pid`, if readable.
std::optional<std::int64_t> process_threads(pid_t pid);
// Raises the soft RLIMIT_NOFILE to the hard limit; returns the new soft limit.
std::int64_t raise_nofile_limit();

}  // namespace loadgen
