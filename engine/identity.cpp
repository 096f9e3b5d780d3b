#include "engine/identity.hpp"

#include <date/date.h>

namespace heat {

std::string audit_canonical_text(const std::string& prev_hash, std::int64_t seq, const std::string& at_text,
                                 const AuditEntry& e) {
  std::string out;
  for (const std::string* part : {&prev_hash}) out += *part;
  out += '\n' + std::to_string(seq);
  for (const std::string* part : {&at_text, &e.actor_id, &e.actor_username, &e.action, &e.entity, &e.entity_id,
                                  &e.outcome, &e.remote_address, &e.details}) {
    out += '\n';
    out += *part;
  }
  return out;
}

std::string format_utc_micros(TimePoint t) { return date::format("%FT%TZ", t); }

}  // namespace heat
