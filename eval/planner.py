"""Planner accuracy per intent, on wordings it was developed against and on wordings it never saw.

    python -m eval.planner            # prints the tables and writes eval/results/planner.md
    python -m eval.planner --export   # writes the masked wordings the intent classifier learns from

The intent classifier (assistant/intents.py) learns from the wordings of every group below. So that a
group's table still says how it reads wordings it has not learned, each group is read by a classifier fit
without that group (leave one group out). The readers were developed against them all (as each group says),
so these tables are development figures; a new group's first contact is the test (eval/planner_replay.py
replays a group's first contact at the commit before it was run).

Sets of wordings:
  dev (A)      eval/data/planner/dev.jsonl: the wordings the readers were first developed against
  B            eval/data/planner/heldout.jsonl: written by someone else from the titles alone, with
               look-alikes that must not trigger. Its first report (0.84 overall) showed general gaps
               (lowercase one-word names, "gade's talk", "A or B"); those were fixed, so B is now a
               development set too, and its figures here are not held out
  C            eval/data/planner/heldout2.jsonl: written afterwards by someone else, the same way, and run
               once the readers were frozen (0.88 overall). Its misses showed general gaps (a person's one
               talk, a title word typed in two, the event's own name, a second item after a first one's
               noun, two title runs in one sentence); those were fixed, so C is a development set now too
  D            eval/data/planner/heldout3.jsonl: written afterwards by someone who saw neither the code nor
               the other sets, from the titles alone, and run once the readers were frozen again (0.79
               overall). Its misses showed general gaps (chat spellings, "what is X" with nothing else, a
               person named for their one talk, short titles said whole, a kind-and-topic side of "A vs B");
               those were fixed, so D is a development set now too
  E            eval/data/planner/heldout4.jsonl: written afterwards the same way by someone who saw none of
               the above, and run once the readers were frozen a third time (0.80 overall). Its misses
               showed more general gaps (kind nouns typed with a slip, first names, "whose", "more about X"
               is about, a kind said names a session of any size, start/end of a named item); fixed, so E
               is a development set now too
  F            eval/data/planner/heldout5.jsonl: written afterwards by someone who saw none of the above, in
               five attendees' voices, and run once the readers were frozen a fourth time (0.85 overall).
               Its misses (clock words, "what hour", "what does it do", "is lunch provided", an explicit
               whole list against a profile) were fixed, so F is a development set now too
  G            eval/data/planner/heldout6.jsonl: written afterwards by someone who saw none of the above,
               as people talk to a voice assistant or paste from a chat, and run once the readers were
               frozen a fifth time (0.88 overall). Its misses (filler "like", "A anything like B", a
               possessive name, a talk about registration) were fixed, so G is a development set now too
  H            eval/data/planner/heldout7.jsonl: written afterwards by someone who saw none of the above, in
               five more voices (terse executive, first-timer, second-language English, developer slang,
               asking for a colleague), and run once the readers were frozen a sixth time (0.84 overall).
               Its misses ("the poster of X", "people behind", a topical overlap, pros/cons, "what o'clock")
               were fixed, so H is a development set now too
  I            eval/data/planner/heldout8.jsonl: written afterwards by someone who saw none of the above, as a
               journalist, a recruiter, a product manager, a researcher and a tired attendee would, and run
               once the readers were frozen a seventh time: 0.80 overall on first contact.
               Two general fixes came after it (a whole list keeps only words the corpus uses as its topic;
               an org left out, "other than Meta"), so its figure here is development data too
  J            eval/data/planner/heldout9.jsonl: written afterwards by someone who saw none of the above, in
               ten more voices (phone typing with autocorrect slips, a sponsor's booth staffer, a speaker
               checking neighbouring slots, a non-technical manager, a grad student, long polite sentences,
               two-to-four-word fragments, Indian, Spanish and German English), and run once with the readers
               frozen an eighth time: 0.80 overall on first contact (lowest: compare and list 0.62, who and when
               0.71). Its misses (cue words typed with slips, "tlak", "my X talk", "the two panels", a topical
               overlap of two named items, "the whole thing", "description", "the people doing X", filler words
               left in whole lists) were fixed, so J is a development set now too; its remaining misses are
               listed at the end
  K            eval/data/planner/heldout10.jsonl: written afterwards by someone who saw none of the above, in
               nine more voices (a data scientist typing in lowercase with abbreviations, a VP on a phone, an
               info-desk volunteer, someone who missed the morning, a skeptic, a journalist on deadline,
               dictation with spoken times, talks named only by speaker or company, titles half remembered),
               and run once with the readers frozen a ninth time: 0.84 overall on first contact (lowest: who
               0.72, event 0.71, recommend and schedule 0.74-0.75). Two general gaps it showed, clock times said
               in words ("at two thirty", "ten fifteen") and "miss" that is no clash ("did I already miss X?
               when was it"), were fixed after, so K is a development set now too
  L            eval/data/planner/heldout11.jsonl: written afterwards by someone who saw none of the above, in
               ten more voices (an MC checking the run of show, British and Australian English, a recruiter,
               a student volunteer's slang, 24-hour times and numeric dates, long run-on questions, search-box
               commands, items named by their place in the day, heavy misspellings, no punctuation and
               capitals), and run once with the readers frozen a tenth time: 0.76 overall on first contact
               (lowest: list 0.56, about and schedule 0.65, who 0.71). Its misses showed general gaps: an
               item named by its place ("the talk right after the fireside chat", "the first panel ... the
               last one", "the 10:55 talk"), cues read in the sentence that asks, "a while back" read as a
               clash, "half one", "1030", "11ish", time words typed with slips, words around a whole list
               taken for its topic, "at 10 or a bit before?", an org's one poster. Those were fixed, so L is a
               development set now too; its remaining misses are listed at the end
  M            eval/data/planner/heldout12.jsonl: written afterwards by someone who saw none of the above, in
               ten more voices (a venture investor, a podcaster, literal translations from other languages, a
               professor with students, catering operations, comparisons with last year, emoji and hashtags,
               pronouns inside one message, speakers known by first name or job, two-word questions), and run
               once with the readers frozen an eleventh time, after L's fixes: 0.875 overall on first contact
               (lowest: about 0.65, recommend 0.69, who 0.82; event facts, overlap and schedule 1.00). Its
               misses showed general gaps ("the Anyscale guy", "the Fiddler AI speaker", translated "of what does
               it speak", "what would be good for them", "which one should it be", "meant for"); those were
               fixed, so M is a development set now too
  N            eval/data/planner/heldout13.jsonl: written afterwards by someone who saw none of the above, in
               ten more voices (a hiring manager, a nervous newcomer, a data-platform architect, someone reading
               out for a blind colleague, marketing buzzwords, a sceptic's yes/no questions, voice-assistant
               commands, times converted from other time zones, the reason first and the ask last, filler
               words), and run once with the readers frozen a twelfth time, after M's fixes: 0.84 overall on
               first contact (lowest: about 0.62, when 0.69, list 0.75). Its misses showed general gaps (clocks
               in the asker's zone, "2:35 Eastern", "7pm my time"; yes/no forms, "is X after the break?",
               "does it wrap up by 6?"; "when it comes to", "when they say"; "so like X" as filler; "follow up
               with them"; an org before a title, "the Meta data warehouse agents talk"; "what company is X
               from"); those were fixed, so N is a development set now too
  O            eval/data/planner/heldout14.jsonl: written afterwards by someone who saw none of the above, in
               ten more voices (a security engineer, a designer's user stories, the third person, a speaker's
               relative, a sceptical DBA, one-line abbreviations, very formal English, items described by what
               they do, a typo in every other word, titles quoted wrongly), and run once with the readers frozen
               a thirteenth time, after N's fixes: 0.79 overall on first contact (lowest: list 0.56, recommend
               0.62, topic 0.69). Its misses showed general gaps (slips in cue words with punctuation after
               them, "waht", "tiem", "abuot?"; formal whole lists, "a complete enumeration"; "address" read as
               the venue's; "coincide"; "overlaps thematically"; "your recommendations"; "won't waste my
               afternoon"); those were fixed, so O is a development set now too
  P            eval/data/planner/heldout15.jsonl: written afterwards by someone who saw none of the above, in
               ten more voices (a live-blogger, an email draft with the question buried in it, negations and
               corrections, a parent bringing a teenager, someone who only read the printed booklet, a startup
               founder scouting partners, a chatty question with a joke, numbered messages where one part is
               the real ask, Singapore English, a CTO delegating), and run once with the readers frozen a
               fourteenth time, after O's fixes: 0.875 overall on first contact (lowest: list and who 0.75;
               compare, recommend and when 0.81; overlap and related 1.00). Its misses showed general gaps
               (the numbered part that asks, "..., but first:", corrections "no wait, I mean X", "who should a
               junior analyst go listen to", "wouldn't find boring", "just list every poster" after a who,
               "presenter names", "who is X for", "which should it be" and "the better take" between two
               items, "its start and end times", "missing from my booklet", "not the full schedule", "poster
               session times", a title said as one hyphenated word, "find out when"); those were fixed, so P
               is a development set now too
  Q            eval/data/planner/heldout16.jsonl: written afterwards by someone who saw none of the above, in
               ten more voices (Irish English, a lawyer's hedged language, texting while walking, a translator
               relaying a colleague, a teacher planning a field trip, an event photographer, a sales engineer
               prepping a customer, an accessibility coordinator, a speaker checking their own slot, replies in
               a Slack thread), and run once with the readers frozen a fifteenth time, after P's fixes: 0.875
               overall on first contact (lowest: recommend 0.56, list 0.69, about 0.75; compare, overlap,
               schedule and the rest 0.94-1.00). Its misses showed general gaps (what "the X poster is about",
               "the topic of X", "who'd X be for"; "shd"; "what should I drag them to", "most accessible for",
               "would suit", "should I sit down and listen to"; "any material distinction between"; "the 3:05
               observability talk"; "all talks on the programme"; "the whole lineup of talks" is a list, not the
               day's schedule; "paste the whole list"; "who here is doing stuff on X" is a topic, not the one
               title with X; a capital that only starts a sentence names no org; "the end time, including the
               happy hour"); those were fixed, so Q is a development set now too
  R            eval/data/planner/heldout17.jsonl: written afterwards by someone who saw none of the above, in
               ten more voices (a hackathon gamer's slang, a healthcare analyst's clinical analogies, a
               librarian, a sports commentator, a livestream viewer, French word order and false friends,
               dyslexic spellings, a project manager's fragments, an academic reviewer's hedging, planning the
               night before), and run once with everything frozen, after the intent classifier replaced the
               nearest-example reader: 0.881 overall on first contact, against 0.858 for the code before the
               classifier on the same wordings (lowest: overlap 0.75, about 0.81; compare, event, recommend,
               topic and who 0.875; the rest 0.94). It is a development set now: the classifier learns from it
  S            eval/data/planner/heldout18.jsonl: written afterwards by someone who saw none of the above, in
               ten more voices (search-engine keywords, a recruiter, a founder, speech-to-text with filler words
               and homophones, Brazilian Portuguese and Mandarin word order, a sarcastic attendee, a Slack
               message to a colleague, a retiree who describes items by what they do, a rushed attendee asking
               two things at once), and run once with everything frozen, after the classifier learned n-grams
               besides the embedding: 0.864 overall on first contact, against 0.824 for the code before it on the
               same wordings (lowest: compare 0.69; schedule and who 0.75; when 0.81). Readers alone read it
               0.750, the lowest yet: items described by what they do ("the talk about the computer making
               silent mistakes"), which no reader reads as named. It is a development set now; search now
               finds an item so described (`Searcher.described`)
  T            eval/data/planner/heldout19.jsonl: written afterwards by someone who saw none of the above, in
               ten more voices (a photographer, an info-desk volunteer relaying visitors, a very formal old-style
               writer, a teenager texting, Hinglish, German word order and compound nouns, a screen-reader user,
               a product manager's jargon, items remembered by a vivid detail, thinking aloud before asking),
               and run once with everything frozen, after S's fixes and the described items: 0.869 overall on
               first contact, against 0.858 for the code before S on the same wordings (lowest: about 0.69;
               compare and who 0.75; event 0.81). Its misses were mostly German compounds ("the
               Logcollection poster", "the Infrastructurepanel"); those are split now. A development set now
  U            eval/data/planner/heldout20.jsonl: written afterwards by someone who saw none of the above, in
               ten more voices (a data engineer's acronyms, a nervous first-time speaker, Japanese politeness, an
               Australian's slang, a small phone keyboard, an executive assistant, a podcast host, statements
               with a question mark, items named by where they sit on the page, a skeptic's double negatives),
               and run once with everything frozen, after T's fixes: 0.938 overall on first contact, the best
               yet, against 0.915 for the code before S on the same wordings (readers alone 0.807 for both).
               Compare, list, overlap and when read 0.875; the rest 0.94-1.00. Its misses ("the last poster on
               the page", "what's on at noonn", "the Petrescu talk finishes at 4?") were not fixed this round;
               it is a development set now
  V            eval/data/planner/heldout21.jsonl: written afterwards by someone who saw none of the above, in
               ten more voices (a remote viewer of the recordings, an intern taking notes for a team, Korean
               English without articles, Spanglish, all capitals, commands to a bot, Scots, an ML student's
               jargon, an older attendee's plain words, a manager checking a report's slot), and run once with
               everything frozen, after U's fixes: 0.847 overall on first contact, against 0.841 for the code
               before U's fixes and 0.830 for the code before S (lowest: about and compare 0.75; overlap,
               related, when and who 0.81). 16 of its 27 misses were questions wholly in Spanish; the rest
               showed general gaps ("not asking who's on X - when does it start?", Scots "whit", "the ice age
               talk" for "Ice(berg) Age", an org's item on one side of "vs", "the two customer feedback
               posters", "similar to data warehouse agent talk"); those were fixed, and questions in Spanish,
               French, Portuguese and Tagalog are read as English (assistant/gloss.py). A development set now
  W            eval/data/planner/heldout22.jsonl: written with V, by someone else who saw none of the above, in
               ten more voices (a sponsor's sales rep, a nurse turned analyst, long sentences with the ask last,
               two-word queries, corrections mid-question, a door volunteer relaying visitors, Nigerian
               English, emoji and hashtags, a sceptic's negative framing, a parent asking for a student), and
               run once with V: 0.960 overall on first contact, against 0.960 for the code before U's fixes and
               0.909 for the code before S (lowest: when 0.875; the rest 0.94-1.00). Its misses ("overlaps for
               the welcome?", "jelena welcome time", "not who's presenting, ...", "the Anyscale co-founder",
               "after 4pm, or is it just drinks?") were fixed; a development set now
  X            eval/data/planner/heldout23.jsonl: written afterwards by someone who saw none of the above, in
               ten more voices (a Texan, Indian formal English, a marketing recap writer, French mixed in, a
               backstage AV technician, a careful DBA, one-handed phone typing, a high-school student, nested
               questions, a philosophy major's roundabout style), and run once with everything frozen, after
               V's and W's fixes but before the glossary: 0.886 overall on first contact, against 0.881 for
               the code before U's fixes and 0.858 for the code before S (lowest: event 0.75, related 0.81;
               compare, list, schedule, topic and when 0.875). 10 of its 20 misses were French; the rest
               ("a big website breaks" is no break, "every speaker's name ... full list", "tl;dr") were
               fixed. A development set now
  Y            eval/data/planner/heldout24.jsonl: written with X, by someone else who saw none of the above, in
               ten more voices (New Zealand English, Taglish, an on-call SRE, a speaker's spouse, topic jumps
               before the ask, prompt-style instructions, Dutch directness, fill-in-the-blank questions, a VC
               analyst's bullets, a retired engineer's 1980s comparisons), and run once with X: 0.869 overall
               on first contact, against 0.847 for the code before U's fixes and 0.790 for the code before S
               (lowest: about 0.69, list 0.75; compare, overlap 0.81). 14 of its 23 misses were Tagalog; the
               rest ("the 2:15 talk is by ___?", "Meta's talk on agents for data warehouse access", "list
               every speaker? I want to check ...") were fixed. A development set now
  Z            eval/data/planner/heldout25.jsonl: written afterwards by someone who saw none of the above, in
               ten more voices (Italian mixed in, a comedian, a CFO's ROI, machine-translated Japanese, asides
               in parentheses, an over-apologizing intern, sports metaphors, Gen-Z slang, a fact-checking
               journalist, a first-timer unsure of the terms: "the group talk", "the board thing"), and run once
               with everything frozen, after X's and Y's fixes and the glossary: 0.915 overall on first
               contact, against 0.892 for the code before U's fixes and 0.841 for the code before S (lowest:
               when and who 0.81; about, overlap and related 0.875; the rest 0.94-1.00). 6 of its 15 misses
               were Italian, a language the glossary did not have yet; it has now. The rest ("not the startups
               one" in an aside, "the board thing about X", "which sessions deal with A or B" is a topic, "the
               talk about X - when does it hit the field?") were fixed. A development set now
  AA-AD        eval/data/planner/heldout26.jsonl-heldout29.jsonl: four groups written at once by four people
               who saw none of the above nor each other's, in forty more voices (AA: SQL queries, a chef, Russian
               English, a pilot's checklist, a concierge, e-mail subject lines, a trader, a grandmother, a
               detective, a UX researcher; AB: Shakespearean English, South African English, command lines, a
               kindergarten teacher, a biologist, a shuttle driver, a guess before the ask, a tweet thread, an
               accountant, Polish English; AC: a military briefing, Caribbean English, JSON requests, a barista,
               a physicist, a therapist, an auctioneer, Vietnamese English, a realtor, a sign-language
               interpreter; AD: a radio operator, Turkish English, crossword clues, a robotics engineer, a
               gardener, Welsh English, capitals without spaces, a rhyming poet, Arabic English, a live-tweeting
               intern), and run once together with everything frozen after Z's fixes. First contact, against
               the code before U's fixes and the code before S:
                 AA 0.960 (0.943, 0.938): every intent 0.94 or more, the first group to pass 0.9 per intent
                 AB 0.938 (0.926, 0.915): overlap 0.81; compare, topic and who 0.875
                 AC 0.909 (0.903, 0.875): event and overlap 0.81; about, compare, related and when 0.875
                 AD 0.920 (0.915, 0.869): who 0.81; compare and when 0.875
               Their general misses ("who gives it doesn't matter", "the same lines as Krishna Gade's talk",
               "During Alexandru's talk, what else is on?", "the guy at the register", "intersecting", "when
               you're a data engineer, what should you attend?") were fixed; SQL, command-line and crossword-clue
               wordings mostly were not. Development sets now
  AE, AF       eval/data/planner/heldout30.jsonl, heldout31.jsonl: written at the same time as AA-AD by two more
               people, in twenty more voices (AE: a wedding planner, Swiss German translated literally, a chess
               player, a tired night nurse, CB-radio slang, a museum docent, a suspicious cryptographer, misheard
               dictation in a car, a fantasy novelist, a retired teacher; AF: a surfer, Greek English, a
               meteorologist, a pharmacist, a mountaineer, a DJ, a tax inspector, a zookeeper, Cantonese English,
               a yoga instructor), kept sealed while AA-AD were fixed, and run once after those fixes:
                 AE 0.886 (0.869, 0.852): compare and when 0.75; list 0.81; event, overlap, recommend 0.875
                 AF 0.983 (0.977, 0.932): every intent 0.94 or more, the second group to pass 0.9 per intent
               Their general misses ("who should I go hear if I'm into X" is advice, "When I am SRE, which
               posters ...", "not any specific talk: when do the breaks happen?", "the ETA on X", "a choice
               between A and B", "bumping heads with", "the two Snowflake posters", "3 o'clock") were fixed.
               Development sets now
  AG, AH       eval/data/planner/heldout32.jsonl, heldout33.jsonl: written afterwards by two more people who saw
               none of the above, in twenty more voices (AG: a hospital administrator, Portuguese mixed in, a film
               director, an insurance adjuster, a marathon runner, a stock newsletter, "Hey assistant", an
               Australian teenager, a farmer, bug reports; AH: German mixed in, a cruise director, a fashion
               blogger, an astronomer, a call-center script, a Boston accent, jazz slang, keywords with a
               question mark, a game-show host, an HR manager), and run once after AE's and AF's fixes:
                 AG 0.926 (0.886, 0.869): overlap, recommend, schedule and when 0.875
                 AH 0.909 (0.892, 0.869): overlap 0.75, who 0.81
               8 of AH's 16 misses were German and 7 of AG's 13 Portuguese: the glossary had no German and a
               thin Portuguese, so it does not carry to a language it was not written for. German was added and
               Portuguese filled out; the general misses ("the warehouse agents talk" for "Agentic ... Data
               Warehouse Access", "who put together", "Tower dot dev", "the 15:30 real-world AI talk", "on the
               topic of X, who ...", "break times") were fixed. Development sets now
  AI-AL        eval/data/planner/heldout34.jsonl to heldout37.jsonl: written afterwards, at the same time, by four
               more people who saw none of the above, in forty more voices (AI: Swedish English, a sports coach,
               a court stenographer, a tour guide, "I wonder if", a support agent relaying a ticket, dropped
               verbs and articles, a sci-fi fan, a veterinarian, run-on voice notes; AJ: Ghanaian English, a
               judge, a bartender, Malaysian English, Given/When/Then, tweets, a novelist, an electrician, a
               volunteer coordinator, hypotheticals; AK: Egyptian English, a firefighter's radio, a nervous
               student, spreadsheet formulas, a carpenter, a diplomat, a gossip columnist, the passive voice, a
               festival lineup, a noisy train; AL: Indonesian English, a gate agent, YAML, a baker, an anxious
               planner, a Reddit TL;DR, a statistician, a grumpy veteran, Thai English, a politician), and run
               once together, sealed, with the code of the round before (the readers split into modules, no
               reading changed):
                 AI 0.949: about and when 0.875
                 AJ 0.960: every intent 0.9 or more
                 AK 0.920: compare, event, recommend, when and who 0.875
                 AL 0.938: about 0.875, event 0.69
                 pooled, 704 wordings (64 per intent): 0.942; every intent 0.9 or more but event facts (0.86)
               14 of the 41 misses said which part was not asked ("Never mind who is giving it, when ...",
               "Skip the similar stuff, ...", "Not the list of posters, please, ..."). Such a clause is now
               dropped before the readers and the classifier read the question; the other general misses ("the
               Live Panel on Infrastructure in an Agentic World" read as the first live panel, "@Scale" in a
               poster's title read as the event, "from the log ingestion poster" read as a speaker's name,
               "=COMPARE(...)" as "Table Compare", "what would I learn", "Posters can see what time?", "at
               what times are the breaks", "the location of today's event", "what time does everything
               officially wrap up" beside a named happy hour, "every session that tackles X, the whole lineup",
               "When attending as a BI analyst, ...") were fixed. Development sets now
  AM-AP        eval/data/planner/heldout38.jsonl to heldout41.jsonl: written afterwards, at the same time, by four
               more people who saw none of the above, in forty more voices (AM: Kenyan English, a stage
               manager, a medical resident, telegrams, an architect, a camp counselor, an archivist, a
               speedrunner, a sommelier, Hungarian English; AN: Cajun English, a police dispatcher, a beekeeper,
               a poker player, a fantasy knight, a customs officer, a lifeguard, a midwife, Finnish English, a
               news anchor; AO: Sri Lankan English, a chemist, a brewer, a taxi driver, a magician, a hotel
               receptionist, a plumber, a Twitch chat, several asks in one message, speakers by first name; AP:
               Pakistani English, a train conductor, a fisherman, a dentist, a ballet teacher, a notary, memes,
               stage directions, a land surveyor, Romanian English), and run once together, sealed, after AI-AL's
               fixes:
                 AM 0.983: topic 0.875
                 AN 0.960: event and overlap 0.81
                 AO 0.955: event, recommend and who 0.875
                 AP 0.926: event 0.81; list, recommend and who 0.875
                 pooled, 704 wordings (64 per intent): 0.956; every intent 0.92 or more but event facts (0.875)
               Their general misses (the day as the subject, "the day's festivities conclude", "the day's
               beginning", "commencement of the proceedings", "break timings", "poster times"; a stage direction
               and a speaker's label before the question; "I know what it's about", "I mean not what it is
               about", "Don't give me a list of everything"; an org named in a clause not asked; "that panel with
               Barr"; advice asked at length, "kindly advise which", "the ones I should see"; "the full manifest
               of speakers"; "any talks or posters on A or B") were fixed. Development sets now
  AQ-AT        eval/data/planner/heldout42.jsonl to heldout45.jsonl: written afterwards, at the same time, by four
               more people who saw none of the above, in forty more voices (AQ: Maltese English, a football
               referee, a florist, a bank teller, a genealogist, mission control, an opera singer, a
               skateboarder, a sonar operator, Czech English; AR: Zambian English, a museum guard, a knitter, a
               Go player, a spelling-bee judge, a mail carrier, pitch-deck bullets, a tarot reader, Norwegian
               English, the same thing asked twice; AS: Ugandan English, a construction foreman, a school
               principal, a flight instructor, a mechanic, a seismologist, a rapper, Bulgarian English, a parent
               with a toddler, a guess to be corrected; AT: Quebec English, a birdwatcher, a locksmith, a park
               ranger, a radio call-in caller, an actuary, a text-adventure parser, Ukrainian English, a tugboat
               captain, an economist), and run once together, sealed, after AM-AP's fixes:
                 AQ 0.977: every intent 0.9 or more
                 AR 0.966: compare 0.875
                 AS 0.955: topic 0.875
                 AT 0.955: recommend, topic and when 0.875
                 pooled, 704 wordings (64 per intent): 0.963; every intent 0.92 or more, the first pool of
                 sealed groups to pass 0.9 on every intent
               Their general misses ("Is not important who presents", "Similar items aside", "I know roughly
               what it is about", "Not asking what else is on then", "starts" read as "Startups", a "when I
               ..." clause before a topical question, "2h15", "break windows", "quittin' time", "Kidding, I
               just want the full rundown") were fixed. Not fixed: advice within a window ("I'm only free after
               lunch, what should I see?" is read as what is on after lunch). Development sets now
  AU-AX        eval/data/planner/heldout46.jsonl to heldout49.jsonl: written afterwards, at the same time, by four
               more people who saw none of the above, in forty more voices (AU: Ethiopian English, a triage
               nurse, a crossing guard, a cartographer, a paddle instructor, a reference librarian, a court
               interpreter, an insurance claim form, Slovak English, swipe-keyboard slips; AV: Ghanaian pidgin,
               a marine biologist, a cycling coach, a choir director, a store manager, log-message requests, a
               compliance officer, a children's author, Lithuanian English, questions asked in the negative; AW:
               Bangladeshi English, a glassblower, a sailing skipper, a wildlife photographer, a terse security
               engineer, a debate coach, a caterer, riddles, Estonian English, no punctuation at 2 am; AX:
               Cameroonian English, a rugby commentator, a pastry chef, a volcanologist, a kite surfer, a shop
               steward, a medieval chronicler, a product review, Latvian English, conditional chains), and run
               once together, sealed, after AQ-AT's fixes:
                 AU 0.932: about and when 0.875, schedule 0.81 (swipe-keyboard slips: "whst is thr")
                 AV 0.966: event 0.81
                 AW 0.949: about, event and schedule 0.875
                 AX 0.977: every intent 0.9 or more
                 pooled, 704 wordings (64 per intent): 0.956; every intent 0.9 or more (lowest: event 0.906,
                 about and schedule 0.92), the second pool in a row to pass 0.9 on every intent
               Their general misses ("Similar items NOT requested", "I not need similar ones", "then not the
               clashes", "side-by-side", "the times during which posters may be viewed", "posters. what hours
               viewable", "list every break", "during the lunch hour, roughly 12 to 1" read by its clocks) were
               fixed. Development sets now
  independent  eval/data/independent: the retrieval set's 89 questions, checked by their type (below);
               its planner misses were listed in an earlier report, so it is not clean either

A wording (dev, heldout) is read right when the plan's intent is the labeled one, with the labeled items:
  topic: a topical plan (topic, list, or "who" with no named item); list: a list with no topic words;
  schedule: items or bounds from the times; who: that intent and those items; when / about: that intent
  and those items first (a person's shared sessions may follow their own talk); related: that
  intent, related to the item; compare: that intent and both items (any two when none is labeled);
  overlap: that intent and that item; recommend: that intent; event: that intent and that fact.
A question of the independent set is read right when the plan has what its type needs: person: a person
filter (or that person's one talk); org: an org filter; schedule: items from the times; related / event / compare / overlap /
recommend: that intent; topic / list: a topical or list intent; out_of_agenda: not read as an event,
schedule or named-item question.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from assistant.intent_examples import WORDINGS, with_wordings
from assistant.intents import ExampleIntents, mask_references
from assistant.planner import Vocabulary, plan_query
from eval.retrieval import DATA, INDEPENDENT, load_queries, publish

PLANNER = DATA / "planner"
# the fresh groups in the order written: heldout.jsonl, heldout2.jsonl, ... (A is dev)
GROUPS = (*"BCDEFGHIJKLMNOPQRSTUVWXYZ", *(f"A{c}" for c in "ABCDEFGHIJKLMNOPQRSTUVWX"))  # B ... Z, AA ... AX
ANSWERED = 5  # the latest groups whose wordings are also asked of the answerer
TOPICAL = {"topic", "list", "recommend"}


def load_wordings(path: Path) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: not JSON ({exc.msg})") from None
    return rows


def wording_right(row: dict, plan) -> bool:
    want, targets = row["intent"], list(row.get("targets") or [])
    intent = str(plan.intent)
    if want == "topic":
        return intent in ("topic", "list") and not plan.schedule or (intent == "who" and not plan.targets)
    if want == "list":
        return intent == "list" and not plan.text
    if want == "schedule":
        return (bool(plan.schedule) or bool(plan.time_from or plan.time_to)) and intent not in ("event", "overlap")
    if intent != want:
        return False
    if want == "event":
        return plan.event_fact == (row.get("fact") or "").replace(" ", "_")
    if want == "related":
        return plan.related_to == targets[0]
    if want == "compare":
        return not targets or set(plan.targets) == set(targets)
    if want == "overlap":
        return not targets or plan.targets[:1] == tuple(targets[:1])
    if want in ("when", "about"):  # the labeled items first; a person's shared sessions may follow
        return list(plan.targets[: len(targets)]) == targets
    if want == "who":
        return list(plan.targets) == targets
    return True


def type_right(qtype: str, plan) -> bool:
    if qtype == "person":  # a person filter, or the one talk of the person named ("when is X speaking")
        return bool(plan.people) or any(n.startswith("person: ") for n in plan.notes)
    if qtype == "org":
        return bool(plan.orgs)
    if qtype == "schedule":
        return bool(plan.schedule) or bool(plan.time_from)
    if qtype in ("related", "event", "compare", "overlap", "recommend"):
        return plan.intent == qtype
    if qtype in ("topic", "list"):
        return plan.intent in TOPICAL
    if qtype == "out_of_agenda":
        return plan.intent in TOPICAL | {"who"} and not plan.schedule
    return True


def score(rows: list[dict], vocab: Vocabulary, intents=None, described=None) -> tuple[dict, list]:
    """(per label: (right, n)), and the wrong ones; rows are wordings or typed questions. `described`: what
    search does with a plan whose item is described, not named (`Searcher.described`)."""
    per, wrong = defaultdict(list), []
    for r in rows:
        text, label = (r["text"], r["intent"]) if "intent" in r else (r["query"], r["type"])
        plan = plan_query(text, vocab, intents)
        plan = described(plan) if described is not None else plan
        ok = wording_right(r, plan) if "intent" in r else type_right(label, plan)
        per[label].append(ok)
        if not ok:
            wrong.append((r.get("id") or r["qid"], label, text, str(plan.intent), plan.notes))
    return {t: (sum(v), len(v)) for t, v in sorted(per.items())}, wrong


def label(row: dict) -> str:
    """A wording's label for the intent classifier ("event:<fact>" for an event fact)."""
    return f"event:{(row.get('fact') or '').replace(' ', '_')}" if row["intent"] == "event" else row["intent"]


def group_files() -> dict[str, Path]:
    """Each development group's file, dev (A) first, in the order written."""
    return {
        "A": PLANNER / "dev.jsonl",
        **{g: PLANNER / f"heldout{n if n > 1 else ''}.jsonl" for n, g in enumerate(GROUPS, 1)},
    }


def masked_wordings(vocab: Vocabulary) -> dict[str, list[dict]]:
    """Per group, its wordings as the classifier learns them: the named items masked, with their labels."""
    return {
        g: [{"text": mask_references(r["text"], vocab)[0], "label": label(r)} for r in load_wordings(path)]
        for g, path in group_files().items()
    }


def examples_without(wordings: dict[str, list[dict]], left_out: str | None) -> dict[str, tuple[str, ...]]:
    """The classifier's examples with every group's wordings but `left_out`'s."""
    return with_wordings(r for g, rows in wordings.items() if g != left_out for r in rows)


def export(vocab: Vocabulary, path: Path = WORDINGS) -> int:
    rows = [r for rs in masked_wordings(vocab).values() for r in rs]
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return len(rows)


def table_lines(title: str, tables: dict[str, dict]) -> list[str]:
    names = list(tables)
    labels = sorted({t for tb in tables.values() for t in tb})
    lines = [f"### {title}", "", "| intent | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for t in labels:
        cells = []
        for n in names:
            a, m = tables[n].get(t, (0, 0))
            cells.append(f"{a}/{m} ({a / m:.2f})" if m else "")
        lines.append(f"| {t} | " + " | ".join(cells) + " |")
    cells = []
    for n in names:
        a, m = sum(x for x, _ in tables[n].values()), sum(y for _, y in tables[n].values())
        cells.append(f"{a}/{m} ({a / m:.2f})")
    lines.append("| all | " + " | ".join(cells) + " |")
    return lines + [""]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.planner", description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--export", action="store_true", help=f"write the classifier's masked wordings ({WORDINGS.name})")
    ap.add_argument(
        "--first-contact",
        nargs="+",
        metavar="FILE",
        help="read new groups of wordings (not yet among the groups above) once, as shipped; per intent and pooled",
    )
    args = ap.parse_args(argv)
    from assistant.engine import open_searcher
    from assistant.settings import Settings

    settings = Settings()
    searcher = open_searcher(settings)
    vocab, intents = searcher.vocab, searcher.intents
    if args.export:
        print(f"{export(vocab)} wordings written to {WORDINGS}")
        return 0
    if args.first_contact:
        print("\n".join(first_contact([Path(f) for f in args.first_contact], vocab, intents, searcher.described)))
        return 0
    wordings = masked_wordings(vocab)
    named = {"A": "dev (A)", **{g: f"{g} (seen)" for g in GROUPS}}
    sets = {named[g]: load_wordings(path) for g, path in group_files().items()}
    sets["independent"] = load_queries(INDEPENDENT / "queries.jsonl")
    lines = ["# Planner accuracy per intent", "", (__doc__ or "").strip(), ""]
    lines.append(
        f"Intent classifier bars (settings): min probability {settings.intent_min_probability}, "
        f"sure {settings.intent_sure_probability}. Model: {searcher.index.embedder.name}.\n"
    )
    wrong_all = {}
    for g, name in [*named.items(), (None, "independent")]:
        rows = sets[name]
        model = intents
        if g is not None:  # the classifier fit without this group
            model = ExampleIntents(
                searcher.encoder,
                settings.intent_min_probability,
                settings.intent_sure_probability,
                cache_dir=settings.cache_dir,
                examples=examples_without(wordings, g),
            )
        rules, _ = score(rows, vocab, None, searcher.described)
        both, wrong = score(rows, vocab, model, searcher.described)
        lines += table_lines(name, {"readers alone": rules, "readers + classifier": both})
        wrong_all[name] = wrong
    lines += ["## Read wrong (readers + classifier)", ""]
    for name, wrong in wrong_all.items():
        if name.split()[0] not in GROUPS[-3:]:
            continue  # the latest groups' misses
        lines += [f"- {name} {qid} ({t}): {q!r} -> {intent} {list(notes)}" for qid, t, q, intent, notes in wrong]
    from assistant.answer import Assistant

    assistant = Assistant(searcher, settings)
    latest = [r for g in GROUPS[-ANSWERED:] for r in sets[f"{g} (seen)"]]
    flagged = [
        (r, why, a.text.splitlines()[0])
        for r in latest
        for a in [assistant.answer(r["text"])]
        if (why := answer_gap(r, a))
    ]
    lines += [
        "",
        f"## Answers to the wordings of {GROUPS[-ANSWERED]}-{GROUPS[-1]}",
        "",
        f"Each wording asked of the grounded answerer: {len(latest) - len(flagged)} of {len(latest)} answered with "
        "what they ask for (not refused; a named item cited; for a related question, not the named item itself).",
        "",
    ]
    lines += [f"- {r['id']} ({r['intent']}), {why}: {r['text']!r} -> {first!r}" for r, why, first in flagged]
    text = "\n".join(lines) + "\n"
    publish(text, "planner.md")
    return 0


def first_contact(paths: list[Path], vocab: Vocabulary, intents, described) -> list[str]:
    """New groups read once with the shipped readers and classifier (which has learned none of them): a
    table per intent, one column per group and one for the pool, then the wordings read wrong."""
    known = {p.resolve() for p in group_files().values()}
    if seen := [str(p) for p in paths if p.resolve() in known]:
        raise SystemExit(f"already development groups, so not a first contact: {', '.join(seen)}")
    tables, wrong = {}, []
    for path in paths:
        tables[path.stem], misses = score(load_wordings(path), vocab, intents, described)
        wrong += misses
    pooled = defaultdict(lambda: (0, 0))
    for per in tables.values():
        for label, (a, n) in per.items():
            pooled[label] = (pooled[label][0] + a, pooled[label][1] + n)
    lines = table_lines("First contact", {**tables, "pooled": dict(pooled)})
    return lines + [f"- {qid} ({t}) read as {intent}: {q!r} {list(notes)}" for qid, t, q, intent, notes in wrong]


def answer_gap(row: dict, answer) -> str | None:
    """What an answer to a labeled wording lacks, or None."""
    cited, targets = [c.id for c in answer.citations], list(row.get("targets") or [])
    if answer.refused:
        return "refused"
    if row["intent"] in ("who", "about", "when", "overlap") and targets and targets[0] not in cited:
        return "its item not cited"
    if row["intent"] == "compare" and targets and not set(targets) <= set(cited):
        return "the two items not both cited"
    if row["intent"] == "related" and targets and targets[0] in cited:
        return "cites the named item itself"
    return None if cited or row["intent"] == "event" else "nothing cited"


if __name__ == "__main__":
    sys.exit(main())
