"""The offline hiring manager's wording: a few professional variants of each kind of reply."""
from __future__ import annotations

import logging

from .scenario import LEVER_IDS, Scenario

logger = logging.getLogger(__name__)

_ALWAYS_SHOWN = ("remote_days", "holiday_days", "training_budget", "early_review")


def lever_summary(scenario: Scenario, levers: dict[str, int]) -> str:
    """The package as it stands, in one readable list (standard items plus anything added)."""
    items = []
    for key in LEVER_IDS:
        lever = scenario.levers.get(key)
        if lever is None:
            continue
        value = levers.get(key, lever.current)
        if key in _ALWAYS_SHOWN or value:
            items.append(lever.describe(value))
    return ", ".join(items)


PHRASES: dict[str, tuple[str, ...]] = {
    "closed": (
        "This conversation has finished, so there's nothing more I can change now.",
        "We've already wrapped this up, so the terms stay as they are.",
    ),
    "walk_away": (
        "I'm going to stop here. I asked for us to keep things respectful and that hasn't happened, so I'll be "
        "withdrawing from this conversation. I wish you well.",
        "I don't think we can continue productively, so I'm ending the conversation here. Good luck with your search.",
    ),
    "warning": (
        "I'd like to keep this constructive. I'm happy to carry on talking, but I need the tone to stay respectful.",
        "Let's keep this professional, please. I want to find something that works, and that's much easier when "
        "we stay civil.",
        "I understand this matters a lot to you, but I can't continue if the conversation stays like this. "
        "Can we reset and talk it through calmly?",
    ),
    "foreign": (
        "Just so we're comparing like with like: we pay in pounds sterling. What figure in GBP did you have in mind?",
        "Our salaries are set in pounds for UK roles, so could you give me the number in GBP?",
    ),
    "prompt": (
        "Thanks for that. What would you need to see in the offer to say yes?",
        "I appreciate it. Tell me which part of the offer you'd like to talk about and what you have in mind.",
        "Understood. Is it the base salary you'd like to discuss, or something else in the package?",
    ),
    "budget_question": (
        "I'm not going to quote an internal budget figure; I wouldn't for any candidate. What I can tell you is "
        "that the offer was set against the market for this level, and a well-made case can move it. What figure "
        "do you have in mind, and what is it based on?",
        "The salary budget stays internal, I'm afraid. There is some flexibility for the right case, so the most "
        "useful thing is for you to tell me your number and the reasoning behind it.",
    ),
    "budget_question_done": (
        "I won't quote internal budget figures, but I can be open with you: we're at the limit of what I can do on "
        "base salary now. If there's more to discuss, it would be elsewhere in the package.",
        "The budget itself stays internal. What I can say is that base salary has no more room, so any further "
        "changes would need to come from other parts of the package.",
    ),
    "package": (
        "Happy to run through it. Alongside base salary the package is: {package}. Pension and the other "
        "company-wide benefits are standard for everyone.",
        "Beyond the base, you'd have {package}, plus the usual company pension.",
    ),
    "lever_open": (
        "There's some flexibility on the {what}. At the moment it's {now}; tell me what would help and I'll see "
        "what I can do.",
        "On the {what}, it's currently {now}, and it isn't set in stone. What were you hoping for?",
    ),
    "lever_fixed": (
        "The {what} is fixed across the team, I'm afraid: {now}.",
        "I can't change the {what}; it's {now} for everyone in the team.",
    ),
    "other_question": (
        "Good question. I'll answer anything I can about the role, the team and the package; the one thing I "
        "keep internal is the salary budget itself.",
        "Happy to help with that. Ask me anything about the role or the package, though internal budget figures "
        "stay internal.",
    ),
    "absurd": (
        "I have to be straight with you: that figure is well outside what this role pays in the market, so I "
        "can't work with it. If you can ground your number in market data for this level, I'm happy to talk.",
        "That's a long way beyond the range for this role, so I won't be moving towards it. A figure based on "
        "the market for this level would give us something to work with.",
    ),
    "at_or_below": (
        "Good news, then: the offer already stands at {offer}, so we're aligned on base.",
        "That works for us. The offer is {offer}, so we're already there on base.",
    ),
    "hold_firm": (
        "I've gone as far as I can on base salary; the budget for it is fixed now.",
        "I'm not able to move base any further. That part of the budget is fixed.",
        "Base salary is where it has to stay, I'm afraid; that budget is fixed and won't stretch further.",
    ),
    "nothing_left": (
        "I've also used what room I had elsewhere in the package, so this is the offer as it stands.",
        "Honestly, I've moved on everything I can, so this is my complete offer.",
    ),
    "trade": (
        "What I can look at is {options}. Would either of those help?",
        "Where I do have some room is {options}, if that would make a difference for you.",
    ),
    "ack_market+value": (
        "You've clearly done your research, and the experience you've described is exactly what we need.",
        "That's a well-made case: the market figures are fair and the impact you've described matters to us.",
    ),
    "ack_market": (
        "I can see you've looked at the market for this role, and that's fair.",
        "Thanks for bringing the market data; it's a reasonable point.",
    ),
    "ack_value": (
        "I hear you on the experience you'd bring, and it's a big part of why we made the offer.",
        "The impact you've described is valuable to the team, and I take the point.",
    ),
    "ack_mixed": (
        "I understand your circumstances, though pay here follows the role and the market more than personal costs.",
    ),
    "ack_unsupported": (
        "Help me understand what that number is based on; it's easier for me to make the case internally with "
        "reasons.",
        "I can look at it, although I'd find it easier to argue for with some reasoning behind the number.",
    ),
    "ack_need": (
        "I understand things are expensive at the moment, but salaries here are set by the role and the market "
        "rather than personal costs.",
        "I do appreciate that costs are high, but I have to set pay by the role and the market, not by personal "
        "circumstances.",
    ),
    "move": (
        "I can move the base salary to {offer}.",
        "Let me improve the base to {offer}.",
        "I've checked what I can do, and I can offer {offer} base.",
    ),
    "move_final": (
        "I can go to {offer} on base. That is as far as base salary can go for this role.",
        "I can offer {offer} base, and I want to be clear that this is the top of what I can do on salary.",
    ),
    "meet_ask": (
        "I can meet you at {offer} on base.",
        "{offer} on base works for us.",
    ),
    "lever_no": (
        "I'm afraid the {what} is fixed: {now}.",
        "The {what} isn't something I can change; it stays at {now}.",
    ),
    "lever_done": (
        "I've already done all I can on the {what}.",
        "The {what} is as good as I can make it now.",
    ),
    "lever_yes": (
        "I can do that: {now}.",
        "Yes, we can add that to the offer: {now}.",
        "That's reasonable, so let's include it: {now}.",
    ),
    "agreed": (
        "Wonderful, I'm delighted we've agreed. To confirm: {offer} base salary, with {package}. I'll send the "
        "written offer over by email so you have everything in writing.",
        "Great, that's agreed: {offer} base, plus {package}. Expect the updated offer letter by email shortly.",
    ),
}
