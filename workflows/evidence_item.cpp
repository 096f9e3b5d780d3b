// The evidence item machine: every movement leaves from and returns to the property room.
#include "workflows/evidence_item.hpp"

#include "workflows/state_loader.hpp"

#include <boost/mpl/vector.hpp>
#include <boost/msm/back/state_machine.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/state_machine_def.hpp>

#include <array>

namespace heat::evidence {
namespace {

namespace msmf = boost::msm::front;
namespace msmb = boost::msm::back;

struct SendToLab {};
struct TakeToCourt {};
struct Return {};
struct Release {};
struct Destroy {};

struct Front : msmf::state_machine_def<Front> {
  struct InCustody : msmf::state<> {};
  struct AtLab : msmf::state<> {};
  struct InCourt : msmf::state<> {};
  struct Released : msmf::state<> {};
  struct Destroyed : msmf::state<> {};
  using initial_state = InCustody;

  // clang-format off
  struct transition_table : boost::mpl::vector<
      //        Start      Event        Next       Action      Guard
      msmf::Row<InCustody, SendToLab,   AtLab,     msmf::none, msmf::none>,
      msmf::Row<InCustody, TakeToCourt, InCourt,   msmf::none, msmf::none>,
      msmf::Row<InCustody, Release,     Released,  msmf::none, msmf::none>,
      msmf::Row<InCustody, Destroy,     Destroyed, msmf::none, msmf::none>,
      // -----+-----------+------------+----------+-----------+-----------
      msmf::Row<AtLab,     Return,      InCustody, msmf::none, msmf::none>,
      msmf::Row<InCourt,   Return,      InCustody, msmf::none, msmf::none>
  > {};
  // clang-format on

  template <class FSM, class Event>
  void no_transition(const Event&, FSM&, int) {}
};

using Machine = msmb::state_machine<Front>;

template <class State>
constexpr int kId = msmb::get_state_id<Machine::stt, State>::value;

constexpr std::array<ItemStatus, 5> kAll{ItemStatus::in_custody, ItemStatus::at_lab, ItemStatus::in_court,
                                         ItemStatus::released, ItemStatus::destroyed};

int id_of(ItemStatus s) {
  switch (s) {
    case ItemStatus::in_custody: return kId<Front::InCustody>;
    case ItemStatus::at_lab: return kId<Front::AtLab>;
    case ItemStatus::in_court: return kId<Front::InCourt>;
    case ItemStatus::released: return kId<Front::Released>;
    case ItemStatus::destroyed: return kId<Front::Destroyed>;
  }
  return kId<Front::InCustody>;
}

bool fire(ItemStatus from, ItemStatus to) {
  Machine m;
  if (!workflows::load_states<1>(m, {id_of(from)})) return false;
  msmb::HandledEnum handled = msmb::HANDLED_FALSE;
  switch (to) {
    case ItemStatus::at_lab: handled = m.process_event(SendToLab{}); break;
    case ItemStatus::in_court: handled = m.process_event(TakeToCourt{}); break;
    case ItemStatus::in_custody: handled = m.process_event(Return{}); break;
    case ItemStatus::released: handled = m.process_event(Release{}); break;
    case ItemStatus::destroyed: handled = m.process_event(Destroy{}); break;
  }
  return (handled & msmb::HANDLED_TRUE) != 0 && m.current_state()[0] == id_of(to);
}

}  // namespace

const char* to_string(ItemStatus s) {
  switch (s) {
    case ItemStatus::in_custody: return "in_custody";
    case ItemStatus::at_lab: return "at_lab";
    case ItemStatus::in_court: return "in_court";
    case ItemStatus::released: return "released";
    case ItemStatus::destroyed: return "destroyed";
  }
  return "in_custody";
}

Result<ItemStatus> parse_item_status(std::string_view s) {
  for (ItemStatus status : kAll)
    if (s == to_string(status)) return status;
  return Error::invalid("status", "must be one of in_custody, at_lab, in_court, released, destroyed");
}

std::vector<ItemStatus> allowed_next(ItemStatus from) {
  std::vector<ItemStatus> out;
  for (ItemStatus to : kAll)
    if (to != from && fire(from, to)) out.push_back(to);
  return out;
}

Result<ItemStatus> change_status(ItemStatus from, ItemStatus to) {
  if (from == to && from != ItemStatus::released && from != ItemStatus::destroyed) return to;
  if (from != to && fire(from, to)) return to;
  Error e = Error::of(ErrorCode::conflict,
                      std::string("evidence cannot go from ") + to_string(from) + " to " + to_string(to));
  for (ItemStatus s : allowed_next(from)) e.allowed_events.emplace_back(to_string(s));
  return e;
}

}  // namespace heat::evidence
