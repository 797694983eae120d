#!/bin/sh
# End to end: the hotline command as citizens, editors and operators use it,
# against a real SQLite state database in a temporary directory.
. "$(dirname "$0")/lib.sh"
year=$(TZ=Europe/Moscow date +%Y 2>/dev/null || date +%Y)

# A citizen asks a plain question: the article's answer, no request number.
out=$("$HOTLINE" ask "забыла пароль от госуслуг, как восстановить?")
check "a password question is answered from the knowledge base" \
	contains "$out" "парол"
check "a plain answer carries no request number" \
	sh -c "! printf '%s' \"\$1\" | grep -q '$year-[0-9]\{6\}'" _ "$out"

# In a terminal there are no buttons: the number of an option answers the
# bot's "Уточните … 1. … 2. …" within the session.
out=$(printf 'не могу войти\n2\n' | "$HOTLINE" chat)
check "chat: the number typed after a clarifying question chooses that option" \
	sh -c "printf '%s' \"\$1\" | sed -n '/^Ответьте номером/,\$p' | grep -qE 'парол|cookie|блокир|СМС'" _ "$out"
check "…which offered every kind of login trouble" \
	sh -c "printf '%s' \"\$1\" | grep -q '^4\. '" _ "$out"

# A complaint is registered under a number the citizen can quote later.
out=$("$HOTLINE" ask "хочу подать жалобу на грубого оператора горячей линии")
num=$(printf '%s' "$out" | grep -o "$year-[0-9]\{6,\}" | head -n 1)
check "a complaint gets a request number" test -n "$num"
shown=$("$HOTLINE" request show "$num" 2>&1)
check "request show finds the complaint by its number" \
	contains "$shown" "feedback.complaint"

# Numbers increase and are never reused.
out2=$("$HOTLINE" ask "зарегистрируйте жалобу, ведомство не отвечает месяц")
num2=$(printf '%s' "$out2" | grep -o "$year-[0-9]\{6,\}" | head -n 1)
check "the next request gets a larger number" \
	test "$(printf '%s\n%s\n' "$num" "$num2" | sort | tail -n 1)" = "$num2" -a "$num" != "$num2"

# Asking for a person always reaches one, with a number.
out=$("$HOTLINE" ask "позовите живого оператора, забыл пароль")
check "asking for a person hands off with a number" \
	contains "$out" "$year-"
out=$("$HOTLINE" ask "I need to speak to a human, not a bot")
check "an English request for a person is answered in English" \
	contains "$out" "operator"

# One who speaks of not wanting to live reaches a person at once, told
# where help is now, whatever else the message asks.
out=$("$HOTLINE" ask "муж ушел, пособие на детей остановили, я не вижу смысла дальше жить, сил нет")
check "distress hands off with a number" contains "$out" "$year-"
check "... and names 112" contains "$out" "112"
check_classified "distress inside a question out of scope still reaches a person" \
	"какая завтра погода, жить не хочется" '"action":"handoff"'
check_classified "... at the head of the operators' queue" \
	"всё бесполезно, незачем дальше жить" '"action":"handoff","priority":"critical"'

# An emergency is not ours, but the reply says where help is.
out=$("$HOTLINE" ask "у соседей пожар, дым из окна, куда звонить")
check "a fire is declined with the emergency number" contains "$out" "112"

# Out of scope is declined politely, not answered as if it were ours.
out=$(printf '%s\n' '{"id":"w","text":"какая завтра погода в питере"}' |
	"$HOTLINE" classify)
check "a weather question is not answered" \
	sh -c "! printf '%s' \"\$1\" | grep -q '\"action\":\"answer\"'" _ "$out"

# classify: one line out per line in, in order; bad lines get an error.
printf '%s\n' \
	'{"id":"a","text":"не приходит смс с кодом"}' \
	'{broken json' \
	'{"id":"b"}' \
	'{"id":"c","text":"Check the status of request #2026-120004 please"}' \
	>"$tmp/in.jsonl"
"$HOTLINE" classify <"$tmp/in.jsonl" >"$tmp/out.jsonl"
check "classify writes one line per input line" \
	test "$(wc -l <"$tmp/out.jsonl")" -eq 4
check "a malformed line gets an error object and the run goes on" \
	sh -c "sed -n 2p '$tmp/out.jsonl' | grep -q '\"error\"' &&
	    sed -n 4p '$tmp/out.jsonl' | grep -q '\"id\":\"c\"'"
check "a request number is found however it is typed" \
	grep -q '"request_number":"2026-120004"' "$tmp/out.jsonl"

# Hostile input: NULs, invalid UTF-8, a 1 MB message, FTS5 syntax.
{
	printf '{"id":"nul","text":"a\\u0000b"}\n'
	printf '{"id":"bad","text":"\377\376 пароль"}\n'
	printf '{"id":"big","text":"'; head -c 1000000 /dev/zero | tr '\0' 'я'
	printf '"}\n'
	printf '{"id":"fts","text":"foo\\"bar NEAR( * AND OR NOT"}\n'
} >"$tmp/hostile.jsonl"
"$HOTLINE" classify <"$tmp/hostile.jsonl" >"$tmp/hostile.out"
check "hostile messages each get a line and no crash" \
	test "$(wc -l <"$tmp/hostile.out")" -eq 4
check "FTS5 syntax in a search is only text" \
	"$HOTLINE" kb search 'foo"bar NEAR( * пароль' >/dev/null

# Editors: a broken category file is reported with file and line.
mkdir -p "$tmp/data/intents" "$tmp/data/kb"
cp -R "$top_srcdir/intents/." "$tmp/data/intents/"
cp -R "$top_srcdir/kb/articles" "$tmp/data/kb/"
printf 'intent login.sms_code\n' >"$tmp/data/intents/defs/zz-dup.intent"
printf '%s\n' '# a new category' 'intent login.new_thing' \
	'rule 4 /(unclosed/' 'rule 3 забыть @no_such_list' \
	'rule 2 near(забыть, пароль' 'list loop_a раз, @loop_b' \
	'list loop_b два, @loop_a' >"$tmp/data/intents/defs/zz-broken.intent"
err=$(HOTLINE_STATE="$tmp/ed.db" "$HOTLINE" -d "$tmp/data" intents check 2>&1)
check "a broken pattern is reported as file:line" \
	contains "$err" "zz-broken.intent:3: rule: pattern error at offset"
check "a list used but not defined is reported with what to do" \
	contains "$err" "zz-broken.intent:4: rule: unknown list @no_such_list: define it"
check "an editor form that does not parse says how to write it" \
	contains "$err" "zz-broken.intent:5: rule: near() is not closed"
check "lists that use each other in a circle are reported once" \
	contains "$err" "zz-broken.intent:7: list: lists use each other in a circle (loop_a → loop_b → loop_a)"
check "a category missing from the taxonomy is named" \
	contains "$err" "zz-broken.intent:2: unknown category \"login.new_thing\""
check "a duplicate category is reported with the first place" \
	contains "$err" "duplicate intent \"login.sms_code\""
out=$(HOTLINE_STATE="$tmp/ed.db" "$HOTLINE" -d "$tmp/data" -s "$tmp/ed.db" serve -n 2>&1); rc=$?
check "serve -n refuses broken category files" test "$rc" -ne 0
check "serve -n names the broken list" contains "$out" "loop_b"
rm "$tmp/data/intents/defs/zz-broken.intent" "$tmp/data/intents/defs/zz-dup.intent"

# Editors: check measures the files and warns about lines hard to read.
printf '%s\n' '# lists only' 'list pw_copy пароль, логин' \
	'list pw_copy2 логин, пароль' >"$tmp/data/intents/defs/zz-lint.intent"
out=$(HOTLINE_STATE="$tmp/ed.db" "$HOTLINE" -d "$tmp/data" intents check 2>&1)
check "check prints the size of the category files" \
	contains "$out" "category files: "
check "check warns about a list that repeats another" \
	contains "$out" "zz-lint.intent:3: warning: list pw_copy2 has the same words as list pw_copy"
rm "$tmp/data/intents/defs/zz-lint.intent"

# Editors: why a message was decided so, line by line.
out=$("$HOTLINE" intents why "Здравствуйте! Забыла ПАРОЛЬ от госуслуг")
check "why shows the normalised text" \
	contains "$out" "normalised:   здравствуйте! забыла пароль от госуслуг"
check "why names each line that matched with file and line" \
	sh -c "printf '%s' \"\$1\" | grep -q 'login.password_reset  *[^ ]*login.intent:[0-9]'" _ "$out"
check "why shows the full-text evidence and scores" \
	contains "$out" "example example2  article   score"
check "why gives the decision with its topic fields" \
	sh -c "printf '%s' \"\$1\" | grep -q '^decision:     answer login.password_reset' &&
	    printf '%s' \"\$1\" | grep -q '^topic: .*(best [-a-z._]* [0-9.]*, next [-a-z._]* [0-9.]*)'" _ "$out"
# Citizens' typos are mended before matching (spelling 1, the default),
# and editors see the mended text; spelling 0 matches words as typed.
out=$("$HOTLINE" intents why "где подать заявлние с паспртом")
check "why shows a misspelt message mended" \
	contains "$out" "normalised:   где подать заявление с паспортом"
out=$(printf '%s\n' '{"id":"t","text":"как оформить поосбие на ребенка до 3 лет"}' |
	"$HOTLINE" classify)
check "a misspelt benefit question is answered as one" \
	sh -c "printf '%s' \"\$1\" | grep -q '\"intent\":\"services.benefits\",[^}]*\"action\":\"answer\"'" _ "$out"
printf 'spelling 0\n' >"$tmp/nospell.conf"
out=$("$HOTLINE" -c "$tmp/nospell.conf" intents why "где подать заявлние с паспртом")
check "spelling 0 leaves the words as typed" \
	contains "$out" "normalised:   где подать заявлние с паспртом"
out=$("$HOTLINE" intents why "спасибо, всё понятно!")
check "why says when a message is nothing but small talk" \
	contains "$out" "small talk:   yes"
out=$("$HOTLINE" intents check 2>&1)
check "the shipped category files name their lists instead of pasting" \
	sh -c "printf '%s' \"\$1\" | grep -q 'lists, ' &&
	    ! printf '%s' \"\$1\" | grep -q ' [0-9][0-9]\+ copies'" _ "$out"

# Editors: an edited article keeps its old text as a version.
HOTLINE_STATE="$tmp/ed.db" "$HOTLINE" -d "$tmp/data" kb import >/dev/null
printf '\nНовый абзац о сроках.\n' >>"$tmp/data/kb/articles/ru/support-hours.md"
HOTLINE_STATE="$tmp/ed.db" "$HOTLINE" -d "$tmp/data" kb import >"$tmp/imp"
check "re-import reports the changed article" grep -q "1 changed" "$tmp/imp"
hist=$(HOTLINE_STATE="$tmp/ed.db" "$HOTLINE" -d "$tmp/data" kb history support-hours)
check "history shows the new version and what changed" \
	contains "$hist" "ru v2 .*text +"
printf -- '---\nid: broken\n' >"$tmp/data/kb/articles/ru/broken.md"
err=$(HOTLINE_STATE="$tmp/ed.db" "$HOTLINE" -d "$tmp/data" kb import 2>&1)
check "a broken article stops the import and names file:line" \
	contains "$err" "broken.md:"

# Two processes registering at once never share a number.
for i in 1 2 3 4 5; do
	"$HOTLINE" ask "жалоба на ведомство номер $i" &
	"$HOTLINE" ask "хочу пожаловаться на сотрудника $i" &
done >"$tmp/par.out"
wait
total=$(grep -o "$year-[0-9]\{6,\}" "$tmp/par.out" | wc -l)
uniq=$(grep -o "$year-[0-9]\{6,\}" "$tmp/par.out" | sort -u | wc -l)
check "parallel registrations get distinct numbers ($uniq of $total)" \
	test "$total" -eq 10 -a "$uniq" -eq 10

# A question about one service is answered with that service's article,
# leading with the part that was asked about.
out=$("$HOTLINE" ask "какие документы нужны на загранпаспорт нового образца")
check "a service question gets the service's article" \
	contains "$out" "Загранпаспорт"
check "…leading with the section that was asked about" \
	contains "$out" "**Документы**"
out=$("$HOTLINE" ask "налоговый вычет и налоговая задолженность")
check "two services that fit equally well are asked about" \
	contains "$out" "о какой услуге"
check "…naming both" sh -c 'printf "%s" "$1" | grep -q "Налоговый вычет" &&
	printf "%s" "$1" | grep -q "Налоги и задолженность"' _ "$out"
# Two services named as the alternative are asked about, though one fits a
# little better; "или" between a service and anything else is no question.
out=$("$HOTLINE" ask "паспорт или загранпаспорт?")
check "two services named as the alternative are asked about" \
	sh -c 'printf "%s" "$1" | grep -q "о какой услуге" &&
	printf "%s" "$1" | grep -q "Загранпаспорт" &&
	printf "%s" "$1" | grep -q "Паспорт гражданина"' _ "$out"
check_classified "…but not a service and something else" \
	"нужен ли снилс или хватит паспорта" '"action":"answer"'
check_classified "classify reports the topic and the article answered with" \
	"сколько стоит замена водительских прав через госуслуги" \
	'"topic":"driving_license","article":"driving-license"'
# The second opinion on services reads letters: "права" alone, no "водительские".
check_classified "a service named in citizens' shorthand is found" \
	"права заканчиваются в мае, как поменять через госуслуги" \
	'"topic":"driving_license","article":"driving-license"'
# An error in a service's form: what to do about the error, then the
# service's own part, and the service's article is the one answered with.
out=$("$HOTLINE" ask "фото для загранпаспорта не загружается пишет неверный размер изображения")
check "a failing upload for a service is answered about the upload first" \
	sh -c 'printf "%s" "$1" | head -n 1 | grep -q "форматы файлов"' _ "$out"
check "…then the service's documents" \
	contains "$out" "Документы.* — из статьи «Загранпаспорт"
check_classified "…and classify names the upload, the service and its article" \
	"фото для загранпаспорта не загружается пишет неверный размер изображения" \
	'"intent":"application.upload".*"topic":"passport.foreign","article":"passport-foreign"'
# A login answer goes on with the service's section only when the message is
# clearly about that service; a service named in passing ("когда плачу
# налог", two services about as likely) leaves the general answer alone, and
# its topic is null: the topic is that of the article answered with.
check_classified "an SMS code while registering: the login answer, then the registration article's section" \
	"регистрируюсь на госуслугах в приложении, смс с кодом так и не приходит" \
	'"intent":"login.sms_code","confidence":[01.0-9]*,"action":"answer","priority":null,"topic":"account.registration","article":"account-registration"'
# A greeting in front of a question no rule knows: the question decides
# ("Привет!" alone stays a greeting).
check_classified "a greeting before a service question is answered with the service's article" \
	"Привет! как записать ребенка в садик через госуслуги" \
	'"action":"answer",.*"topic":"kindergarten.queue","article":"kindergarten-queue"'
# The kind of request of a service question the categories were unsure of
# comes from what the service is (its article's categories): a SNILS for a
# newborn is not a passport request, a pension is a benefit.
check_classified "a service question takes a kind its service is" \
	"как оформить снилс на новорожденного через госуслуги" \
	'"intent":"services.how_to".*"topic":"snils","article":"snils"'
check_classified "…and every service has a how-to: a refund of its fee keeps it" \
	"Как вернуть госпошлину за загранпаспорт" \
	'"intent":"services.how_to".*"topic":"passport.foreign"'
check_classified "…the first its article lists (a pension is a benefit)" \
	"как оформить пенсию по старости через госуслуги, в августе исполняется 63" \
	'"intent":"services.benefits".*"topic":"pension","article":"pension"'
check_classified "…and one everyday word ('bank') does not decline a clear service question" \
	"how can i get a family composition certificate? the bank is asking for it" \
	'"action":"answer",.*"topic":"certificate.family"'
# Two close candidates are not asked about when the calibration is sure of
# the best (answer_sure).
check_classified "a sure answer is not turned into a question" \
	"номер горячей линии госуслуг какой? бабушке записать на бумажку" \
	'"intent":"contacts.phone","confidence":[01.0-9]*,"action":"answer"'
check_classified "…and a greeting alone with the greeting" \
	"Привет!" \
	'"intent":"smalltalk.greeting"'
check_classified "a service named in passing: the login answer alone, topic null" \
	"не приходит смс с кодом когда плачу налог" \
	'"intent":"login.sms_code","confidence":[01.0-9]*,"action":"answer","priority":null,"topic":null,"article":"login-sms-code"'
check_classified "a question about no service has topic null" \
	"по какому номеру звонить на горячую линию" \
	'"topic":null'
# "зайти в личный кабинет" is in a question of the summonses' article; the
# words every service's account has (lists.intent topic_neutral) are no
# evidence for it, nor is "загрузить файл" for the Goskey's.
check_classified "login trouble in a service's words is about no service" \
	"не получается зайти в личный кабинет" \
	'"topic":null'
check_classified "a file that will not upload is about no service" \
	"не могу загрузить файл" \
	'"intent":"application.upload".*"topic":null'
# Edges a citizen meets: another country's benefit is declined, not answered
# with ours; a person asked for after an hour on the line is a person, not
# the waiting time; a notice that came back on an application is its status.
check_classified "thanks with what was done is thanks, not the certificate's article" \
	"спасибо, справку скачал" '"intent":"smalltalk.thanks"'
check_classified "another country's benefit is declined" \
	"как оформить пособие на ребенка в казахстане" '"action":"decline"'
check_classified "…a person asked for after waiting on the line is handed over" \
	"можно оператора? по телефону не дозвонилась час на линии висела" \
	'"intent":"handoff.operator","confidence":[01.0-9]*,"action":"handoff"'
check_classified "…a refusal that came back is the application's status" \
	"подала заявление на субсидию, пришел отказ, что делать" \
	'"intent":"application.status"'

# Letters that are for a person: an organisation, a call-back, a leak.
out=$("$HOTLINE" ask "Редакция газеты просит дать официальный комментарий о сбое портала")
check "a newspaper's request goes to a person with a number" \
	sh -c "printf '%s' \"\$1\" | grep -q '$year-[0-9]\{6\}'" _ "$out"
check_classified "another person's data is a high-priority incident for a person" \
	"в личном кабинете вижу чужие данные и чужие заявления" \
	'"intent":"incident.report","confidence"'
check "…handed off with priority high" \
	contains "$line" '"action":"handoff".*"priority":"high"'
# An account taken over or a code told to a swindler is secured by a
# person now, even when a bank's word makes it look out of scope.
check_classified "a code told to a caller posing as the portal goes to a person" \
	"мне позвонили якобы из госуслуг я продиктовала код из смс и теперь не могу войти" \
	'"intent":"handoff.operator","confidence":[01.0-9]*,"action":"handoff"'
check_classified "…a loan taken out by swindlers through the portal too" \
	"мошенники оформили кредит на меня через госуслуги" '"action":"handoff"'
check_classified "…a code asked for by a caller, then told, too" \
	"позвонили, сказали кто-то меняет мой номер, попросили код из смс, я продиктовала" \
	'"intent":"handoff.operator","confidence":[01.0-9]*,"action":"handoff"'
check_classified "…a link that threatens to block the account, asked about, too" \
	"пишут что если не оплачу долг по ссылке то заблокируют госуслуги, это вы или развод?" \
	'"intent":"handoff.operator","confidence":[01.0-9]*,"action":"handoff"'
check_classified "…a loan taken out in one's name, said so, too" \
	"на меня оформили микрозайм через госуслуги, я ничего не брала" '"action":"handoff"'
check_classified "debt collectors of a microloan are declined" \
	"коллекторы звонят каждый день по микрозайму, что делать" '"action":"decline"'
check_classified "a pizza delivery's number is declined, not answered with a service" \
	"дай номер доставки пиццы" '"action":"decline"'
check_classified "Ukraine's Diia is another country's portal" \
	"дия не открывается, паспорт не отображается" '"action":"decline"'
check_classified "\"пусть со мной свяжется живой оператор\" after a benefit's question is a person" \
	"Мне нужно подать заявление на выплату, но сама я не справлюсь. Пожалуйста, пусть со мной свяжется живой оператор или позвонит" \
	'"intent":"handoff.operator","confidence":[01.0-9]*,"action":"handoff"'
check_classified "\"меня взломали\" is a fraud for a person, not a password to reset" \
	"Теперь не могу войти, пароль не подходит. Меня взломали, что делать" \
	'"intent":"handoff.operator","confidence":[01.0-9]*,"action":"handoff"'
check_classified "\"переключить меня на специалиста\" is asked even after \"статьи не подходят\"" \
	"наследство, квартира в долях, нотариус говорит одно. Ваши статьи читал, не подходит. Прошу переключить меня на специалиста" \
	'"action":"handoff"'
check_classified "\"права\" asked as a licence is the driving licence, not a property extract's rights" \
	"права" '"topic":"driving_license"'
check_classified "a statement of the personal pension account is the pension's" \
	"выписка из лицевого счета сфр как получить" '"topic":"pension"'
check_classified "a fire at the neighbours' is declined (the reply sends to 112), not given our phone" \
	"у соседей пожар дым из окна!!! куда звонить" '"action":"decline"'
check_classified "someone not breathing in the street is declined, not an incident of ours" \
	"человеку плохо на улице упал не дышит" '"action":"decline"'
check_classified "a UK passport renewed on gov.uk is another country's" \
	"How do I renew my UK passport online on gov.uk?" '"action":"decline"'
check_classified "the MFC's Wi-Fi password is not a login question" \
	"какой пароль от вайфая в мфц" '"action":"decline"'
check_classified "\"дайте руководителя\" asks for a person, though it threatens a complaint" \
	"дайте руководителя, буду жаловаться в прокуратуру" '"action":"handoff"'
check_classified "a code asked for by a caller \"from Госуслуги\" and told is fraud" \
	"мне позвонили из 'госуслуг' просят назвать код из смс, иначе заблокируют учетку. я назвала... что теперь делать" \
	'"intent":"handoff.operator","confidence":[01.0-9]*,"action":"handoff"'
check_classified "the citizen's own working hours are not the hotline's" \
	"как подтвердить учетку не выходя из дома, в мфц не вариант, я работаю до 8 вечера" '"intent":"services.how_to"'
check_classified "\"кто-нибудь живой\" after a long story asks for a person" \
	"паспорт просрочен, пенсию не дают, не знаю куда бежать, помогите кто-нибудь живой" \
	'"intent":"handoff.operator","confidence":[01.0-9]*,"action":"handoff"'
# Another organisation's own system and another country's portal are not
# ours, whatever portal words they share; ours named with them is ours.
check_classified "a school diary's password is declined" \
	"забыл пароль от электронного дневника школы" '"action":"decline"'
check_classified "another country's portal is declined" \
	"портал госуслуг беларуси как зарегистрироваться" '"action":"decline"'
check_classified "…a pharmacy's hours are not the hotline's" \
	"аптека круглосуточная рядом есть" '"action":"decline"'
check_classified "…the school diary entered through the portal is ours" \
	"как войти в электронный дневник через госуслуги" '"intent":"login\.'
# "как прописаться" names no form to get, and its words are most like
# renting a flat; where to complain of a management company is the
# region's appeals on the portal, not a complaint about the hotline.
check_classified "registering at a flat is answered with its article" \
	"как прописаться в квартире" \
	'"action":"answer".*"topic":"residence.registration"'
check_classified "where to complain of a management company: the region's appeals" \
	"куда жаловаться на управляющую компанию" \
	'"intent":"services.how_to".*"action":"answer".*"topic":"appeals.region"'
# A page slow to load is the portal failing, not the operators' queue; an
# error shown on entering the account is not wrong data in it.
check_classified "a page slow to load is an incident, not the wait for an operator" \
	"почему так долго грузится страница" '"intent":"incident.report"'
check_classified "an error on entering the account is not a change of data" \
	"зашел в личный кабинет а там ошибка" '"intent":"incident.report"'
# "Здравствуйте, подскажите пожалуйста, …" starts half of what citizens
# write; the service is looked for in what follows it (lists.intent
# small_talk_first), where the greeting's words diluted its likeness.
check_classified "a greeting before the question does not hide its service" \
	"Здравствуйте, подскажите пожалуйста, как сдать биометрию не выходя из дома, через приложение на телефоне" \
	'"action":"answer".*"topic":"biometrics"'
out=$("$HOTLINE" intents why "Добрый день! подскажите, как получить загранпаспорт")
check "why tells where the question begins after the greeting" \
	contains "$out" "service from: как получить загранпаспорт"
# …and "заранее спасибо" after it (small_talk_last); the year of a request
# number is in the pension's questions too, and names no service.
out=$("$HOTLINE" intents why "как заменить права? заранее спасибо, буду благодарна за ответ")
check "why tells where the question ends before the thanks" \
	contains "$out" "service from: как заменить права?"
check_classified "a request number's year is not a service" \
	"Check the status of request #2026-120004" \
	'"intent":"application.status".*"topic":null'
check_classified "a few words before thanks are what it is for" \
	"всё получилось, доступ восстановил, благодарю" '"intent":"smalltalk.thanks"'
check_classified "…a thanks after the question hides its service no more" \
	"подала на замену паспорта по возрасту, а надо было из за смены фамилии, не ту причину выбрала, что теперь делать Спасибо!" \
	'"topic":"passport.internal"' 
# not_decided LINE INTENT: the line classify printed did not decide INTENT
# (the candidates listed after the decision may name it).
not_decided() { ! printf '%s' "$1" | grep -q "\"id\":\"t\",\"intent\":\"$2\""; }
# From the session's real-chat-style tuning set: a person asked for after
# the wait, an account someone else entered, a link that took the card's
# details; a pet, an appliance under guarantee and an employer's duties
# declined; a paper the HR department wants is ours; an appointment's
# confirmation that did not come is not a login code.
check_classified "\"оператора дайте\" after an hour's wait asks for a person" \
	"оператора дайте уже час тут сижу" '"intent":"handoff.operator","confidence":[01.0-9]*,"action":"handoff"'
check_classified "…so does an account someone else entered" \
	"в моём аккаунте появились заявления которые я не подавала, кто-то зашёл под мной" \
	'"intent":"handoff.operator","confidence":[01.0-9]*,"action":"handoff"'
check_classified "…and a card's details typed after a link that threatened deletion" \
	"пришло смс что аккаунт удалят если не перейду по ссылке, я перешла и ввела данные карты" \
	'"intent":"handoff.operator","confidence":[01.0-9]*,"action":"handoff"'
check_classified "a fridge under guarantee is declined" \
	"холодильник индезит сломался куда звонить по гарантии" '"action":"decline"'
check_classified "…an employer's right to dismiss is declined" \
	"Можно ли уволить сотрудницу на больничном?" '"action":"decline"'
check_classified "a paper the HR department wants is the portal's" \
	"Нужно свидетельство ИНН на бумаге для отдела кадров, где его заказать" \
	'"action":"answer".*"topic":"inn"'
line=$(printf '%s\n' '{"id":"t","text":"Записалась в мфц через приложение на четверг, а подтверждения никакого не пришло ни смс ни на почту"}' | "$HOTLINE" classify)
check "an appointment's confirmation is not a login code" not_decided "$line" login.sms_code
# A greeting with four words and more after it is not a greeting, however
# little else is understood of them ("Добрый день! How can I get …").
line=$(printf '%s\n' '{"id":"t","text":"Добрый день! How can I get a digital OMS policy? I lost the paper one"}' | "$HOTLINE" classify)
check "a greeting with a question after it is not decided a greeting" \
	not_decided "$line" smalltalk.greeting
# Short everyday questions: an appointment at the MFC is answered with its
# article (an out-of-scope example about a private clinic once declined
# it); a status one is granted is a benefit, not an application's status;
# a queue for a flat is not the wait for an operator.
check_classified "\"как записаться в мфц\" is answered with the MFC's article" \
	"как записаться в мфц" '"action":"answer".*"topic":"mfc.appointment"'
check_classified "\"как получить статус многодетной семьи\" is a benefit" \
	"как получить статус многодетной семьи" '"intent":"services.benefits"'
line=$(classify_one "как встать в очередь на квартиру")
check "\"как встать в очередь на квартиру\" is not the wait for an operator" \
	not_decided "$line" support.wait_time

# A letter's signature gives the citizen's phone for a call back; our own
# number in the letter it quotes does not.
cat >"$tmp/sig.eml" <<'EOF'
From: citizen@example.org
To: support@hotline.test
Subject: =?UTF-8?B?0J/RgNC+0LLQtdGA0YzRgtC1INC30LDRj9Cy0LvQtdC90LjQtQ==?=
Message-ID: <sig-1@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Заявление 2026-003871 висит третью неделю, что с ним?

--
Исакова Наталья
тел. 8-903-555-12-40

18.05.2026, 10:42, "Служба поддержки":
> Звоните +7 495 777-77-77
EOF
out=$("$HOTLINE" triage "$tmp/sig.eml")
check "a letter's signature phone is an entity" contains "$out" '"phone":"+79035551240"'
check "…and the quoted hotline number is not" sh -c "! printf '%s' \"\$1\" | grep -q 74957777777" _ "$out"

# The kind of request and the scope of short everyday questions mended
# this session: a service clearly first is answered even when a second
# shares a word; a fee is not timing, "как быстро" is, a paper's validity
# is not; paying through the portal is the how-to; an OSAGO policy is an
# insurer's; roads to mend are not a complaint about the hotline.
check_classified "\"как зарегистрировать брак\" is answered with the marriage article" \
	"как зарегистрировать брак" '"action":"answer".*"topic":"marriage.registration"'
line=$(classify_one "пошлина за регистрацию брака сколько")
check "a fee asked about is not the processing time" \
	not_decided "$line" application.deadlines
check_classified "\"как быстро делают загранпаспорт\" asks the time it takes" \
	"как быстро делают загранпаспорт" '"intent":"application.deadlines"'
line=$(classify_one "какой срок действия единого пособия")
check "…how long a benefit stays valid does not" \
	not_decided "$line" application.deadlines
check_classified "\"как передать показания счетчиков\" is the how-to" \
	"как передать показания счетчиков" '"intent":"services.how_to"'
check_classified "\"как оформить осаго\" is declined" \
	"как оформить осаго" '"action":"decline"'
line=$(classify_one "куда жаловаться на разбитые дороги во дворе")
check "roads to mend are not a complaint about the hotline" \
	not_decided "$line" feedback.complaint
check_classified "\"что вообще можно сделать в мфц\" is the catalogue" \
	"что вообще можно сделать в мфц" '"intent":"services.catalog"'

# A message without a word is asked to be retyped, not declined; "не
# понял" is not thanks.
check_classified "\"?\" alone is asked to be retyped" "?" '"action":"clarify"'
line=$(classify_one "не понял")
check "\"не понял\" is not thanks" not_decided "$line" smalltalk.thanks

# Russian typed with the keyboard on the English layout is read by its keys.
check_classified "\"jgthfnjh\" (оператор on the English layout) asks for a person" \
	"jgthfnjh" '"intent":"handoff.operator"'
check_classified "\"pf,skf gfhjkm\" (забыла пароль) is a password reset" \
	"pf,skf gfhjkm" '"intent":"login.password_reset"'
check_classified "a complaint that nobody helps and asks for the shift's head is for a person" \
	"жалуюсь на то что никто не может помочь! соедините с руководителем смены" \
	'"intent":"handoff.operator"'

# Editors: kb check accepts the shipped articles and names every problem
# of a broken one as file:line.
out=$("$HOTLINE" kb check 2>&1)
check "kb check accepts the shipped articles" contains "$out" "articles OK"
mkdir -p "$tmp/bad/ru"
cat >"$tmp/bad/ru/a.md" <<'EOT'
---
id: a
title: A
lang: ru
topics: passport.foreign
questions:
- как сделать загран
---
text
EOT
cat >"$tmp/bad/ru/b.md" <<'EOT'
---
id: b
title: B
lang: ru
topics: no.such.topic
questions:
- Как сделать загран?
sources:
- seed 2.2
reviewed: 2026-12-07
---
text
EOT
out=$("$HOTLINE" kb check "$tmp/bad" 2>&1); rc=$?
check "kb check fails on broken articles" test "$rc" -ne 0
check "…naming a missing source" contains "$out" "a.md:1: no sources"
check "…naming an unknown topic" contains "$out" 'b.md:1: topics: unknown id "no.such.topic"'
check "…naming a question two articles claim, with both lines" \
	contains "$out" "b.md:7: the question"
check "…and missing sections" contains "$out" 'no section "## Документы"'
out=$("$HOTLINE" kb import "$tmp/bad" 2>&1); rc=$?
check "an import of broken articles changes nothing" test "$rc" -ne 0
# serve -n refuses a data directory whose article names an unknown service.
mkdir -p "$tmp/svcdata"
cp -R "$top_srcdir/kb" "$top_srcdir/intents" "$tmp/svcdata/"
sed -i 's/^topics: passport.foreign$/topics: passport.foreign, no.such.service/' \
	"$tmp/svcdata/kb/articles/ru/passport-foreign.md"
out=$("$HOTLINE" -d "$tmp/svcdata" -s "$tmp/svcdata/state.db" serve -n 2>&1); rc=$?
check "serve -n refuses an article with an unknown service" test "$rc" -ne 0
check "…and says which article and why" contains "$out" "passport-foreign (ru): topics: unknown topic"
out=$("$HOTLINE" kb stale --days 36500 2>&1)
check "kb stale lists nothing when every article is recent" \
	contains "$out" "0 article(s) not reviewed"

# The same messages give the same decisions, confidences included, every
# time: the learned opinions train at load, and must train alike.
"$HOTLINE" classify <"$top_srcdir/tests/data/holdout.jsonl" >"$tmp/run1.jsonl"
"$HOTLINE" classify <"$top_srcdir/tests/data/holdout.jsonl" >"$tmp/run2.jsonl"
check "two runs of classify give identical lines" \
	cmp -s "$tmp/run1.jsonl" "$tmp/run2.jsonl"

# The trained weights are kept beside the state database and read back by
# the next load with the same examples: its decisions are a training's,
# and a damaged file is trained again and written anew.
rm -f "$tmp/models.cache"
"$HOTLINE" classify <"$top_srcdir/tests/data/holdout.jsonl" >"$tmp/run3.jsonl"
check "a load without the weights cache trains and writes it" \
	test -s "$tmp/models.cache"
cp "$tmp/models.cache" "$tmp/trained.cache"
"$HOTLINE" classify <"$top_srcdir/tests/data/holdout.jsonl" >"$tmp/run4.jsonl"
check "…decides as the training did" cmp -s "$tmp/run3.jsonl" "$tmp/run1.jsonl"
check "…and a load from it decides alike" \
	cmp -s "$tmp/run4.jsonl" "$tmp/run1.jsonl"
size=$(wc -c <"$tmp/models.cache")
printf 'XXXXXXXX' | dd of="$tmp/models.cache" bs=1 seek=$((size / 2)) \
	conv=notrunc 2>/dev/null
"$HOTLINE" classify <"$top_srcdir/tests/data/holdout.jsonl" >"$tmp/run5.jsonl"
check "a damaged weights cache is trained again, to the same decisions" \
	cmp -s "$tmp/run5.jsonl" "$tmp/run1.jsonl"
check "…and written anew, as the training wrote it" \
	cmp -s "$tmp/models.cache" "$tmp/trained.cache"
finish
