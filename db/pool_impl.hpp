// Template definitions for db/pool.hpp. Included by it; not for direct use.
#pragma once

#include "db/errors.hpp"

#include <soci/soci.h>

namespace heat::db {

template <class F>
auto in_transaction(Pool& pool, F&& fn) -> decltype(fn(std::declval<soci::session&>())) {
  auto lease = pool.acquire();
  if (!lease) return lease.error();
  soci::session& sql = **lease;
  try {
    soci::transaction tx(sql);
    auto result = fn(sql);
    if (result) tx.commit();  // otherwise the transaction's destructor rolls back
    return result;
  } catch (...) {
    return current_exception_to_error();
  }
}

}  // namespace heat::db
