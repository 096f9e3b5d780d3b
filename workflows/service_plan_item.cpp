// The service-plan item machine. Each event names the status it leads to, so a PATCH that
// asks for a status is one event; the transition table is the rule.
#include "workflows/service_plan_item.hpp"

#include "workflows/state_loader.hpp"

#include <boost/mpl/vector.hpp>
#include <boost/msm/back/state_machine.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/state_machine_def.hpp>

#include <array>

namespace heat::service_plan {
namespace {

namespace msmf = boost::msm::front;
namespace msmb = boost::msm::back;

struct Engage {};
struct Complete {};
struct Decline {};
struct Refer {};

struct Front : msmf::state_machine_def<Front> {
  struct Referred : msmf::state<> {};
  struct Engaged : msmf::state<> {};
  struct Completed : msmf::state<> {};
  struct Declined : msmf::state<> {};
  using initial_state = Referred;

  // clang-format off
  struct transition_table : boost::mpl::vector<
      //        Start      Event     Next       Action      Guard
      msmf::Row<Referred,  Engage,   Engaged,   msmf::none, msmf::none>,
      msmf::Row<Referred,  Decline,  Declined,  msmf::none, msmf::none>,
      // -----+-----------+---------+----------+-----------+-----------
      msmf::Row<Engaged,   Complete, Completed, msmf::none, msmf::none>,
      msmf::Row<Engaged,   Decline,  Declined,  msmf::none, msmf::none>,
      // -----+-----------+---------+----------+-----------+-----------
      msmf::Row<Completed, Engage,   Engaged,   msmf::none, msmf::none>,   // reopened
      // -----+-----------+---------+----------+-----------+-----------
      msmf::Row<Declined,  Refer,    Referred,  msmf::none, msmf::none>    // re-referred
  > {};
  // clang-format on

  // A refused event is reported through process_event's result, never an assert.
  template <class FSM, class Event>
  void no_transition(const Event&, FSM&, int) {}
};

using Machine = msmb::state_machine<Front>;

template <class State>
constexpr int kId = msmb::get_state_id<Machine::stt, State>::value;

int id_of(ItemStatus s) {
  switch (s) {
    case ItemStatus::referred: return kId<Front::Referred>;
    case ItemStatus::engaged: return kId<Front::Engaged>;
    case ItemStatus::completed: return kId<Front::Completed>;
    case ItemStatus::declined: return kId<Front::Declined>;
  }
  return kId<Front::Referred>;
}

ItemStatus status_of(int id) {
  for (ItemStatus s : {ItemStatus::referred, ItemStatus::engaged, ItemStatus::completed, ItemStatus::declined})
    if (id_of(s) == id) return s;
  return ItemStatus::referred;
}

// Fires the event that leads to `to`; false when the table has no such row from `from`.
bool fire(ItemStatus from, ItemStatus to, ItemStatus& after) {
  Machine m;
  if (!workflows::load_states<1>(m, {id_of(from)})) return false;
  msmb::HandledEnum handled = msmb::HANDLED_FALSE;
  switch (to) {
    case ItemStatus::engaged: handled = m.process_event(Engage{}); break;
    case ItemStatus::completed: handled = m.process_event(Complete{}); break;
    case ItemStatus::declined: handled = m.process_event(Decline{}); break;
    case ItemStatus::referred: handled = m.process_event(Refer{}); break;
  }
  after = status_of(m.current_state()[0]);
  return (handled & msmb::HANDLED_TRUE) != 0;
}

constexpr std::array<ItemStatus, 4> kAll{ItemStatus::referred, ItemStatus::engaged, ItemStatus::completed,
                                         ItemStatus::declined};

}  // namespace

const char* to_string(ItemStatus s) {
  switch (s) {
    case ItemStatus::referred: return "referred";
    case ItemStatus::engaged: return "engaged";
    case ItemStatus::completed: return "completed";
    case ItemStatus::declined: return "declined";
  }
  return "referred";
}

Result<ItemStatus> parse_item_status(std::string_view s) {
  for (ItemStatus status : kAll)
    if (s == to_string(status)) return status;
  return Error::invalid("status", "must be one of referred, engaged, completed, declined");
}

std::vector<ItemStatus> allowed_next(ItemStatus from) {
  std::vector<ItemStatus> out;
  for (ItemStatus to : kAll) {
    ItemStatus after = from;
    if (to != from && fire(from, to, after)) out.push_back(to);
  }
  return out;
}

Result<ItemStatus> change_status(ItemStatus from, ItemStatus to) {
  if (from == to) return to;
  ItemStatus after = from;
  if (fire(from, to, after)) return after;
  Error e = Error::of(ErrorCode::conflict,
                      std::string("a service item cannot go from ") + to_string(from) + " to " + to_string(to));
  for (ItemStatus s : allowed_next(from)) e.allowed_events.emplace_back(to_string(s));
  return e;
}

}  // namespace heat::service_plan
