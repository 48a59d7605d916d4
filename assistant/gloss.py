"""A question asked wholly or partly in Spanish, French, Italian, Portuguese, German or Tagalog, read as English
by the planner.

The readers and the intent classifier key on English words ("who", "when", "the X talk"). Attendees also ask
in their own language or mix it in ("¿quién da la charla de Metamate?", "c'est quand, the talk by Can Lin?",
"Sino po yung speaker sa Metamate talk?"). What decides a question's kind there is a small, closed set of
words: question words, articles, prepositions and a few verbs, which this module writes as English, word for
word. Titles, names and topic words stay as they are: they are mostly English already, and search matches
them. No offline translation model ships in the packages we can install, so a glossary it is; it is applied
only when two or more words only that language uses are in the question, so English questions are untouched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Glossary:
    markers: frozenset[str]  # words the language uses and English does not: two of them say the language
    phrases: tuple[tuple[str, str], ...]  # (regex, English), applied first, in order
    words: dict[str, str]  # a word (lowercase) -> its English ("" drops it)


def _words(pairs: str) -> dict[str, str]:
    """ "qué=what quién=who po=" -> {"qué": "what", "quién": "who", "po": ""}; "_" is a space."""
    return {k: v.replace("_", " ") for k, v in (p.split("=") for p in pairs.split())}


GLOSSARIES = {
    "Spanish": Glossary(
        frozenset(
            "qué quién quiénes cuándo dónde cuál cuáles charla charlas ponencia hay los las del más algo dame "
            "trata empieza comienza termina mejor después también está están parecido parecida recomiendas "
            "evento conferencia hora choca pasa lista todos todas sobre".split()
        ),
        (
            (r"\bde (?:qué|que) (?:se )?trata\b", "what is it about:"),
            (r"\ba (?:qué|que) hora\b", "what time"),
            (r"\bvale la pena\b", "worth it"),
            (r"\bal mismo tiempo (?:que|de)\b", "at the same time as"),
            (r"\bal mismo tiempo\b", "at the same time"),
            (r"\bpor favor\b", "please"),
            (r"\bdespués de\b", "after"),
            (r"\bantes de\b", "before"),
            (r"\b(?:qué|que) más\b", "what else"),
            (r"\b(\d{1,2}) de la (?:tarde|noche)\b", r"\1pm"),
            (r"\b(\d{1,2}) de la mañana\b", r"\1am"),
            (r"\bentre las (\d{1,2}) y (?:las|la) (\d{1,2})\b", r"between \1 and \2"),
            (r"\ba las (\d)", r"at \1"),
            (r"\b(?:qué|que) (?:hay|pasa)\b", "what's on"),
            (r"\bparecid[oa]s? (?:a|al)\b", "similar to"),
            (r"\b(?:el|la) de\b", "the one of"),
            (r"\b(?:qué|que) me recomiendas\b", "what do you recommend"),
            (r"\bcuál es mejor\b", "which is better"),
        ),
        _words(
            "qué=what quién=who quien=who quiénes=who cuándo=when dónde=where cuál=which cuáles=which "
            "charla=talk charlas=talks ponencia=talk sesión=session sesiones=sessions el=the la=the los=the "
            "las=the un=a una=a de=of del=of_the y=and o=or con=with en=in sobre=about entre=between hay=is_there "
            "algo=anything todos=all todas=all todo=all lista=list dame=give_me mejor=better diferencia=difference "
            "empieza=starts comienza=starts termina=ends acaba=ends evento=event conferencia=conference es=is "
            "son=are da=gives presenta=presents está=is están=are mismo=same tiempo=time choca=clashes_with "
            "parecido=similar parecida=similar más=more otro=other otra=other otros=other otras=other para=for "
            "soy=I_am_a trabajo=I_work ver=see hora=time trata=is_about recomiendas=recommend recomienda=recommend "
            "también=also después=after antes=before mañana=morning tarde=afternoon almuerzo=lunch "
            "descanso=break registro=registration lugar=venue fecha=date día=day horario=schedule por=for "
            "como=like me=me pasa=is_on cubre=covers eso=that"
        ),
    ),
    "French": Glossary(
        frozenset(
            "c'est qui quoi quand où quel quelle lequel laquelle les des du avec pour sur après apres avant "
            "pendant même meme est-ce qu'est-ce moi je s'il vous plait plaît matin autre autres d'autres comme "
            "liste tous toutes le y dans vers l'adresse".split()
        ),
        (
            (r"\bc['’]est quoi qui se passe\b", "what's on"),
            (r"\bc['’]est qui qui\b", "who"),
            (r"\bqui se passe\b", "is on"),
            (r"\b[àa] quelle heure\b", "what time"),
            (r"\b[àa] (?=\d)", "at "),
            (r"\bc['’]est quoi\b", "what is"),
            (r"\bc['’]est qui\b", "who is"),
            (r"\bc['’]est quand\b", "when is"),
            (r"\bc['’]est où\b|\bc['’]est ou\b", "where is"),
            (r"\bqu['’]est-ce qu['’]il y a\b", "what's on"),
            (r"\bqu['’]est-ce que\b", "what"),
            (r"\by a-t-il\b|\bil y a\b", "is there"),
            (r"\bc['’]est [àa] propos de quoi\b", "what is it about"),
            (r"\ben temps r[ée]el\b", "in real time"),
            (r"\b[àa] propos de quoi\b", "about what"),
            (r"\b[àa] propos de\b", "about"),
            (r"\bs['’]il vous pla[iî]t\b", "please"),
            (r"\ben m[êe]me temps\b", "at the same time"),
            (r"\bautre chose\b", "anything else"),
            (r"\bd['’]autres\b", "others"),
            (r"\bcomme [çc]a\b", "like it"),
            (r"\bparle-moi\b", "tell me"),
            (r"\bmontre-moi\b", "show me"),
            (r"\best-ce que\b", ""),
            (r"\bje suis\b", "I am a"),
            (r"\bles deux\b", "both"),
            (r"\bse passe\b", "is on"),
            (r"\b(\d{1,2})h(\d{2})\b", r"\1:\2"),
            (r"\b(\d{1,2})h\b", r"\1:00"),
            (r"\bl['’](?=\w)", "the "),
            (r"\bd['’](?=\w)", "of "),
        ),
        _words(
            "qui=who quoi=what quand=when où=where quel=which quelle=which lequel=which laquelle=which le=the "
            "la=the les=the des=some du=of_the de=of et=and avec=with sur=on pour=for dans=in entre=between "
            "après=after apres=after avant=before pendant=during vers=around meilleur=best meilleurs=best "
            "mieux=better différence=difference liste=list tous=all toutes=all tout=all conférence=conference "
            "horaire=schedule pause=break déjeuner=lunch dejeuner=lunch lieu=venue adresse=address commence=starts "
            "finit=ends termine=ends matin=morning autre=other autres=other similaire=similar même=same meme=same "
            "temps=time heure=time en=in ou=or est=is sont=are moi=me présente=presents presente=presents"
        ),
    ),
    "Portuguese": Glossary(
        frozenset(
            "quem quando onde qual quais palestra palestras também depois mesmo tempo horas melhor começa tem "
            "você não sobre mais outras outros termina manhã apresenta devo útil bate alguma outra coisa almoço "
            "intervalo essas pausas às eu".split()
        ),
        (
            (r"\bque horas\b", "what time"),
            (r"\btem o qu[êe]\b|\bo que tem\b", "what's on"),
            (r"\bo que\b", "what"),
            (r"\bao mesmo tempo (?:que|da|do)\b", "at the same time as"),
            (r"\bao mesmo tempo\b", "at the same time"),
            (r"\bbate com\b", "clashes with"),
            (r"\balguma outra coisa\b", "anything else"),
            (r"\bpor favor\b", "please"),
            (r"\bdepois d[oae]\b", "after"),
            (r"\bantes d[oae]\b", "before"),
            (r"\b(\d{1,2}) da manhã\b", r"\1am"),
            (r"\b(\d{1,2}) da (?:tarde|noite)\b", r"\1pm"),
            (r"\bàs (?=\d)", "at "),
            (r"\b(?:eu )?devo ir ver\b", "should I go see"),
            (r"\bqual é mais\b", "which is more"),
        ),
        _words(
            "quem=who quando=when onde=where qual=which quais=which palestra=talk palestras=talks sobre=about "
            "mais=more também=also depois=after antes=before todas=all todos=all lista=list melhor=better "
            "diferença=difference evento=event começa=starts termina=ends tem=is_there algo=anything outros=other "
            "outras=other parecido=similar da=of_the do=of_the de=of os=the o=the e=and ou=or com=with em=in "
            "para=for apresenta=presents recomenda=recommend alguém=someone manhã=morning tarde=afternoon "
            "almoço=lunch intervalo=break pausas=breaks útil=useful é=is essas=those eu=I"
        ),
    ),
    "German": Glossary(
        frozenset(
            "wann wer was wo welcher welche welches der die das den dem des vortrag vorträge über nicht nur und "
            "oder ist läuft gleichzeitig worum gibt uhr hält mit für von liste".split()
        ),
        (
            (r"\bworum geht es\b", "what is it about:"),
            (r"\bwas läuft\b|\bwas gibt es\b|\bwas ist los\b", "what's on"),
            (r"\bgibt es\b", "is there"),
            (r"\bum (\d{1,2})(?::(\d{2}))? uhr\b", r"at \1:00"),
            (r"\bum (?=\d)", "at "),
            (r"\bfür mich\b", "for me"),
            (r"\bder letzte\b", "the last"),
            (r"\bwer hält (?:den|die|das)?\b", "who gives"),
            (r"\bhält (?:den|die|das)\b", "gives"),
        ),
        _words(
            "wann=when wer=who was=what wo=where welcher=which welche=which welches=which der=the die=the das=the "
            "den=the dem=the des=of_the vortrag=talk vorträge=talks über=about von=by mit=with und=and oder=or "
            "nicht=not nur=just liste=list gleichzeitig=at_the_same_time_as läuft=is_on hält=gives besser=better "
            "nach=after vor=before nachmittagspause=afternoon_break mittagspause=lunch mittagessen=lunch "
            "pause=break ist=is sind=are andere=other ähnlich=similar beginnt=starts endet=ends "
            "veranstaltung=event konferenz=conference erste=first letzte=last alle=all im=in_the zum=to_the "
            "welcher=which"
        ),
    ),
    "Italian": Glossary(
        frozenset(
            "chi cosa quando dove quale quali il gli della delle degli dello sul sulla c'è ci sono altri altre "
            "tutti tutte inizia finisce contemporanea parla copre pranzo mattina pomeriggio orario quel quello "
            "anche perché che".split()
        ),
        (
            (r"\ba che ora\b", "what time"),
            (r"\bdi (?:che )?cosa parla\b", "what is it about:"),
            (r"\b(?:in contemporanea|allo stesso tempo|nello stesso momento) (?:con|di|a)\b", "at the same time as"),
            (r"\bin contemporanea\b|\ballo stesso tempo\b", "at the same time"),
            (r"\bcosa c['’][èe]\b", "what's on"),
            (r"\bc['’][èe]\b|\bci sono\b", "is there"),
            (r"\bvale la pena\b", "worth it"),
            (r"\bl['’]ha fatto\b", "made it"),
            (r"\bmi [èe] piaciut[oa]\b", "I liked"),
            (r"\bsi tratta\b", "is it about"),
            (r"\bdovrei vedere\b", "should I see"),
            (r"\b(?:mi )?consigli\b", "do you recommend"),
            (r"\b(?:che )?cosa\b", "what"),
            (r"\b(?:sul|sulla|sullo|sui|sulle)\b", "on the"),
            (r"\bl['’](?=\w)", "the "),
            (r"\bdell['’](?=\w)", "of the "),
        ),
        _words(
            "chi=who quando=when dove=where quale=which quali=which il=the lo=the la=the gli=the le=the "
            "del=of_the della=of_the dei=of_the degli=of_the delle=of_the dello=of_the di=of e=and o=or con=with "
            "su=on tra=between fra=between dopo=after prima=before durante=during altri=other altre=other "
            "altro=other simile=similar simili=similar meglio=better migliore=better differenza=difference "
            "tutti=all tutte=all lista=list elenco=list inizia=starts comincia=starts finisce=ends termina=ends "
            "evento=event conferenza=conference orario=schedule parla=talks copre=covers presenta=presents "
            "quel=that quello=that quella=that pranzo=lunch pausa=break mattina=morning pomeriggio=afternoon "
            "consigliate=recommend sessione=session per=for un=a una=a è=is sono=I_am ho=I_have pensato=thought "
            "letto=read non=not ma=but alle=at qualcosa=anything programma=programme dicono=they_say"
        ),
    ),
    "Tagalog": Glossary(
        frozenset(
            "po ba yung ang ng mga sino ano kailan saan anong alin lahat naman meron katulad kasabay pagkatapos "
            "niyo pwede gusto ko ako ni sa nasa ganun iba ibang yun".split()
        ),
        (
            (r"\banong oras(?: po)?(?: ba)? (?:yung|ang)\b", "what time is the"),
            (r"\banong oras\b", "what time"),
            (r"\bano-ano\b", "what are"),
            (r"\bano(?: po)?(?: ba)? (?:yung|ang) nasa\b", "what's on at"),
            (r"\bano(?: po)? meron\b", "what's on"),
            (r"\bano(?: po)?(?: ba)? (?:yung|ang)\b", "what is the"),
            (r"\bsino(?: po)?(?: ba)? (?:yung|ang)\b", "who is the"),
            (r"\bpara saan\b", "what is it for"),
            (r"\blahat ng\b", "all the"),
            (r"\bkatulad ng\b", "similar to"),
            (r"\bpagkatapos ng\b", "after"),
            (r"\bbago ang\b|\bbago mag\b", "before"),
            (r"\bmay kasabay\b", "anything at the same time as"),
            (r"\bmay iba pa\b|\bmeron pa\b", "are there more"),
            (r"\bmas (?:maganda|ok|okay)\b", "better"),
            (r"^\W*may\b", "are there"),
            (r"\bma-(?=\w)", ""),
        ),
        _words(
            "po= ba= naman= mga= yung=the ang=the ng=of sino=who ano=what kailan=when saan=where alin=which "
            "lahat=all meron=there_is katulad=similar_to ganun=like_that kasabay=at_the_same_time_as iba=other "
            "ibang=other ni=by sa=at nasa=at gumawa=made makita=see pwede=can gusto=want ko=I ako=I_am niyo=you "
            "panoorin=watch magsisimula=start matatapos=end nangyayari=happening mas=more maganda=good "
            "para=for o=or yun=that buong=whole topic=topic anong=what na= bang= lang=just"
        ),
    ),
}
_TOKEN = re.compile(r"[^\W\d_][\w'’-]*")


def language_of(text: str) -> str | None:
    """The language of GLOSSARIES two or more of whose marker words the text has; None for English."""
    said = {t.lower().rstrip("'’") for t in _TOKEN.findall(text)}
    counts = {name: len(said & g.markers) for name, g in GLOSSARIES.items()}
    name, n = max(counts.items(), key=lambda kv: kv[1])
    return name if n >= 2 else None


def gloss(text: str) -> tuple[str, str | None]:
    """The text with its language's question words written as English, and the language (None: as it was)."""
    name = language_of(text)
    if name is None:
        return text, None
    g = GLOSSARIES[name]
    for pattern, english in g.phrases:
        text = re.sub(pattern, english, text, flags=re.I)
    text = _TOKEN.sub(lambda m: g.words.get(m.group(0).lower(), m.group(0)), text)
    return " ".join(text.replace("¿", " ").replace("¡", " ").split()), name
