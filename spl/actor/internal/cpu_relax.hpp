#pragma once
// A spin-wait hint: lets the sibling hyperthread run and keeps the spinning core from flooding
// the line it polls with speculative reads.

namespace spl::actor::internal {

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

}  // namespace spl::actor::internal
