"""Phrase banks for OOLONG-style items: short posts whose topic a reader infers from meaning.

Each topic has many templates with slots, and the slot values are spread over many words, so no single
keyword finds a topic's posts (tests check this), yet every post is plainly about one topic. The topic
names themselves never appear in a post. Openers, closers, times and people are shared by all topics.
"""

from __future__ import annotations

LABELS = ("cooking", "sports", "travel", "finance", "health", "technology")

# Other spellings that count as naming a label in an answer.
LABEL_ALIASES: dict[str, list[str]] = {
    "cooking": ["cookery", "food"],
    "sports": ["sport"],
    "travel": ["travelling", "traveling"],
    "finance": ["finances", "financial"],
    "health": ["healthcare"],
    "technology": ["tech"],
}

# Stems of the label names: a post with a word starting with one would give its topic away.
LABEL_STEMS = ("cook", "sport", "travel", "financ", "health", "technolog", "tech")

TEMPLATES: dict[str, tuple[str, ...]] = {
    "cooking": (
        "finally nailed the {dish} {relative} used to make, the secret was {kitchen_trick}",
        "burned the {ingredient} again while scrolling on my phone, dinner is ruined",
        "anyone know a good swap for {ingredient} in {dish}?",
        "{time} I tried a new {dish} recipe with {ingredient} and {ingredient2}",
        "the {dish} needed another {n} minutes in the oven but came out {texture}",
        "tip: try {kitchen_trick}, it changes everything",
        "made {dish} from scratch for {n} people {time}, not a crumb left",
        "the {gadget} was the best thing I bought this year, I use it every night",
        "my {dish} came out {texture}, I think I overdid the {ingredient}",
        "{relative} keeps asking for my {dish}, might finally write it down",
        "ran out of {ingredient} halfway through the {dish} and had to improvise",
        "the farmers market had amazing {ingredient}, planning {dish} for the weekend",
        "tried {kitchen_trick} for the first time and the flavour is so much deeper",
        "finally sharpened my knives and dicing onions is suddenly painless",
    ),
    "sports": (
        "what a finish, {team} came back from {n} points down in the final quarter",
        "{time} I ran my first {distance} without walking once",
        "the referee completely missed that {foul} in the second half",
        "we lost {score} but our {position} was unbelievable",
        "signed up for the {distance} in the spring, training starts next week",
        "can't believe {team} traded their best {position} right before the playoffs",
        "my knee still aches from {game} but we won the match",
        "season tickets for {team} are sold out again, anyone selling?",
        "{relative} finally agreed to join {game} on Thursdays",
        "new personal best at the track {time}, shaved {n} seconds off my lap",
        "{team} clinched the title with a last-minute goal, the stadium went wild",
        "coach moved me to {position} and honestly I love it",
        "watching {team} defend like that is painful, {score} at halftime",
        "our league table is so tight, one more win and we reach the final",
    ),
    "travel": (
        "just landed in {city} after a {n}-hour layover in {city2}",
        "the {lodging} in {city} had the best view of the old town",
        "lost my passport at {hub} but the embassy sorted it out",
        "booked a {vehicle} from {city} to {city2} for next month",
        "any tips for a week in {city}? first time going abroad alone",
        "missed the connecting {vehicle} so I'm stuck at {hub} overnight",
        "the {vehicle} from {city} to {city2} was worth every penny",
        "packing for {n} weeks with one carry-on bag",
        "visa for {city} finally approved, flights are booked",
        "jet lag after {city} is brutal, still waking up at 4am",
        "{relative} and I are doing {city} then {city2} by {vehicle}",
        "the {lodging} host in {city} drew us a map to a hidden beach",
        "the queue at {hub} took {n} hours, at least the scenery was nice",
        "renewed my passport just in time for {city}",
    ),
    "finance": (
        "my {account} finally has {amount} in it after {n} months of saving",
        "{time} the rent went up {pct}% so I'm redoing my budget",
        "paid off the last of my {debt}, feels unreal",
        "should I move my {account} into an index fund or keep it in cash?",
        "there's a {fee} of {amount} on my statement, calling the bank tomorrow",
        "mortgage rates jumped again, glad we locked ours in last year",
        "did my taxes {time} and I owe {amount}, not thrilled",
        "{relative} asked me to co-sign a loan and I said no",
        "set up automatic transfers of {amount} a month into my {account}",
        "my paycheck got bumped {pct}% after the review, all of it goes to the {debt}",
        "the shares I bought in March are down {pct}%, holding anyway",
        "logging every expense in a spreadsheet for {n} weeks was eye-opening",
        "refinanced the {debt} at a lower rate, saving {amount} a year",
        "the dividend this quarter was {amount}, reinvesting all of it",
    ),
    "health": (
        "{n} days without {habit} and my energy is way more stable",
        "the doctor says my {measure} is back in the normal range",
        "finally slept eight hours straight after cutting out {habit}",
        "went in for my {checkup} {time}, all clear",
        "this {ailment} is not going away, booked an appointment",
        "started physical therapy for my {body_part}, slow progress",
        "drinking more water and cutting back on {habit} changed how I feel",
        "the pharmacy line was {n} people deep just to pick up antibiotics for my {ailment}",
        "{relative} got the flu shot with me, arm is sore but worth it",
        "my {measure} was a little high so I'm walking after every meal",
        "the dermatologist wants to check the mole on my {body_part} again",
        "{n} weeks of meditation and my anxiety is noticeably lower",
        "had to take a sick day, this {ailment} knocked me out",
        "the nurse said my {measure} looks much better than last year",
    ),
    "technology": (
        "my {device} won't boot after the latest {software} update",
        "switched to a new {device} and the battery lasts {n} hours",
        "spent all night chasing a memory leak in my {project}",
        "is {n} GB of RAM enough for video editing these days?",
        "the {device} firmware update finally fixed the {bug_symptom}",
        "set up {service} on an old {device}, surprisingly easy",
        "the wifi router keeps dropping the connection every {n} minutes",
        "{relative} asked me to fix their {device} again, it was just full storage",
        "the {software} keeps crashing when I open more than {n} tabs",
        "finally moved all my files to an SSD, boot time is under {n} seconds",
        "wrote a script that renames {n} thousand photos by date, felt like a wizard",
        "does anyone actually use the AI features on the new {device}?",
        "my {project} finally compiles without warnings",
        "two-factor codes stopped arriving after I swapped my SIM, locked out of everything",
    ),
}

# Slot values. A slot written with a trailing "2" ({city2}) draws a second, different value.
SLOTS: dict[str, tuple[str, ...]] = {
    # shared by every topic
    "time": ("this morning", "yesterday", "last weekend", "tonight", "on Sunday", "today", "earlier this week"),
    "relative": ("my sister", "my roommate", "my dad", "a coworker", "my neighbor", "my grandmother",
                 "my best friend"),
    # cooking
    "dish": ("risotto", "lasagna", "banana bread", "pork dumplings", "seafood paella", "green curry",
             "sourdough loaf", "buttermilk pancakes", "three-bean chili", "ramen broth", "apple pie",
             "mushroom omelette", "beef stew", "tomato soup", "focaccia"),
    "ingredient": ("garlic", "saffron", "shallots", "fresh basil", "brown butter", "white miso",
                   "cumin seeds", "heavy cream", "fresh yeast", "smoked paprika", "lemon zest", "anchovies",
                   "coconut milk", "fish sauce"),
    "kitchen_trick": ("letting the dough rest overnight", "toasting the spices first",
                      "salting the pasta water properly", "searing the meat in small batches",
                      "deglazing the pan with wine", "folding the egg whites in gently",
                      "finishing it with a splash of vinegar", "roasting the garlic whole"),
    "texture": ("golden and crisp", "way too dry", "perfectly fluffy", "a bit gummy", "silky smooth",
                "burnt on the bottom"),
    "gadget": ("cast iron skillet", "stand mixer", "chef's knife", "pressure pot", "dutch oven",
               "mandoline slicer", "waffle iron"),
    # sports
    "team": ("the Harbor Hawks", "Rivertown United", "the Mountain Lions", "the Comets", "Northgate Rovers",
             "the Blue Herons", "Eastfield Athletic", "the Ironclads"),
    "distance": ("5k", "10k", "half marathon", "trail race", "charity relay"),
    "position": ("pitcher", "point guard", "striker", "goalkeeper", "quarterback", "center back", "shortstop"),
    "game": ("pickup basketball", "five-a-side football", "tennis doubles", "the rowing session",
             "volleyball practice", "rugby training", "the cycling club ride"),
    "score": ("3-1", "2-2", "98-95", "1-0", "27-24", "4-3"),
    "foul": ("handball", "offside call", "penalty", "foul on our striker", "pass interference"),
    # travel
    "city": ("Lisbon", "Kyoto", "Marrakesh", "Reykjavik", "Hanoi", "Cusco", "Tbilisi", "Oaxaca", "Valletta",
             "Tallinn", "Cape Town", "Montreal"),
    "hub": ("the airport", "the border crossing", "the ferry terminal", "the central station", "the bus depot"),
    "vehicle": ("sleeper train", "overnight ferry", "red-eye flight", "rental car", "coach bus"),
    "lodging": ("hostel", "guesthouse", "beach hut", "ryokan", "campsite", "boutique hotel"),
    # finance
    "account": ("emergency fund", "retirement account", "savings account", "brokerage account",
                "rainy day fund"),
    "debt": ("student loans", "car loan", "credit card balance", "personal loan", "store card"),
    "fee": ("overdraft fee", "annual card fee", "late payment charge", "account maintenance fee"),
    # health
    "measure": ("blood pressure", "cholesterol", "iron level", "blood sugar", "resting heart rate",
                "vitamin D level"),
    "ailment": ("cough", "migraine", "back pain", "sinus infection", "rash", "sore throat"),
    "body_part": ("shoulder", "lower back", "ankle", "wrist", "neck"),
    "habit": ("caffeine after noon", "late-night snacking", "screen time before bed", "sugary drinks",
              "alcohol on weeknights"),
    "checkup": ("annual physical", "dental cleaning", "eye exam", "blood test", "skin check"),
    # technology
    "device": ("laptop", "phone", "tablet", "smartwatch", "e-reader", "desktop"),
    "software": ("operating system", "browser", "photo editor", "password manager", "code editor"),
    "bug_symptom": ("random reboots", "screen flicker", "battery drain", "bluetooth dropouts",
                    "frozen touchscreen"),
    "project": ("side project", "home automation script", "weather dashboard", "game mod", "chat bot"),
    "service": ("a media server", "a VPN", "a network-wide ad blocker", "a photo backup", "a git server"),
}

# Slots whose values are numbers drawn fresh each time: slot -> (low, high).
NUMBER_SLOTS: dict[str, tuple[int, int]] = {"n": (2, 40), "pct": (3, 25)}
MONEY_SLOTS: dict[str, tuple[int, int]] = {"amount": (40, 9_000)}

OPENERS = ("", "", "", "", "Honestly, ", "Update: ", "Okay so ", "Well, ", "Not gonna lie, ", "Quick one: ",
           "Ugh, ", "Good news: ", "So ")
CLOSERS = ("", "", "", "", " Anyone else?", " Thoughts?", " lol", " Wish me luck.", " What a day.",
           " More later.", " Never again.", " Pretty happy about it.")
