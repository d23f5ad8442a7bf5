#pragma once
// The run's result: one JSON line on stdout (tools/bench reads it), from what
// every part of the run measured. Load mode writes one per phase.
#include <string>

#include "connect_phase.hpp"
#include "idle_hold.hpp"
#include "join_storm.hpp"
#include "load_phases.hpp"
#include "run_context.hpp"
#include "settle_wait.hpp"

namespace loadgen {

class ResultLine {
 public:
  ResultLine(const RunContext& run, const ConnectPhase& connect, const SettleWait& settle, const LoadPhases& load,
             const IdleHold& idle, const JoinStorm& storm)
      : run_(run), connect_(connect), settle_(settle), load_(load), idle_(idle), storm_(storm) {}

  // The line as things stand now, newline included.
  std::string text() const;

 private:
  const RunContext& run_;
  const ConnectPhase& connect_;
  const SettleWait& settle_;
  const LoadPhases& load_;
  const IdleHold& idle_;
  const JoinStorm& storm_;
};

}  // namespace loadgen
