// Interfaces that storage (db/) fulfils and the api/ and tools/ layers use. Declared here so
// api/ never includes db/: tools/heatwatch wires the implementations in.
#pragma once

#include "engine/result.hpp"

namespace heat {

// Answers whether the database is reachable (GET /readyz).
class HealthProbe {
 public:
  virtual ~HealthProbe() = default;
  [[nodiscard]] virtual Status check() = 0;
};

}  // namespace heat
