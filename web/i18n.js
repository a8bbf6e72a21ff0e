// Labels in Russian (default) and English, and the formatting that depends on the language.

const dictionaries = {
  ru: {
    skip: 'Перейти к содержимому', sections: 'Разделы', loading: 'Загрузка…', logout: 'Выйти',
    'nav.calls': 'Звонки', 'nav.dashboard': 'Дашборд', 'nav.status': 'Статус',
    switchTo: 'English',
    'nav.trackers': 'Трекеры', 'trackers.title': 'Трекеры',
    'trackers.intro': 'Слова и фразы, которые ищутся в каждой новой расшифровке в любой форме («договор» найдёт «договора»). Трекер применяется к звонкам, расшифрованным после его сохранения.',
    'trackers.none': 'Трекеров пока нет.', 'trackers.newTitle': 'Новый трекер',
    'trackers.editTitle': 'Изменить трекер «{name}»', 'trackers.name': 'Название',
    'trackers.side': 'Чьи реплики', 'trackers.side.both': 'обе стороны',
    'trackers.side.manager': 'менеджер', 'trackers.side.client': 'клиент',
    'trackers.phrases': 'Слова и фразы', 'trackers.phrasesHint': 'По одной на строку; фраза — слова подряд.',
    'trackers.phrasesExample': 'другой поставщик\nдорого', 'trackers.alert': 'Присылать оповещение в Telegram',
    'trackers.alertOn': 'оповещение', 'trackers.save': 'Сохранить', 'trackers.cancel': 'Отмена',
    'trackers.saved': 'Трекер «{name}» сохранён.', 'trackers.deleted': 'Трекер «{name}» удалён.',
    'trackers.saveFailed': 'Не сохранено: {error}', 'trackers.confirmDelete': 'Удалить трекер «{name}» и все его срабатывания?',
    'trackers.calls': 'Звонки', 'trackers.edit': 'Изменить', 'trackers.delete': 'Удалить',
    'trackers.col.name': 'Название', 'trackers.col.side': 'Чьи реплики', 'trackers.col.phrases': 'Слова и фразы',
    'trackers.col.alert': 'Оповещение', 'trackers.col.actions': 'Действия',
    'calls.tracker': 'Трекер', 'call.trackers': '🏷️ Трекеры', 'dash.trackers': 'Трекеры за период',
    'dash.trackerCalls': 'Звонков', 'dash.trackerHits': 'Срабатываний', 'dash.noTrackers': 'Трекеров нет.',
    'login.intro': 'Введите пароль администратора (ADMIN_PASSWORD).', 'login.password': 'Пароль',
    'login.submit': 'Войти', 'login.wrong': 'Неверный пароль.',
    'login.throttled': 'Слишком много попыток. Повторите через {s} с.',
    'calls.fulltext': 'Поиск по разговорам', 'calls.fulltextExample': 'договор "счёт на оплату"',
    'calls.fulltextHint': 'Все слова в любой форме; фраза в кавычках — слова подряд',
    'calls.hits': 'Где найдено', 'calls.hitSummary': 'В резюме',
    'calls.hitAcross': 'Слова фразы — в соседних репликах',
    'calls.title': 'Звонки', 'calls.filters': 'Фильтры', 'calls.search': 'Поиск по номеру',
    'calls.searchHint': 'Цифры номера клиента или линии', 'calls.from': 'С даты',
    'calls.to': 'По дату', 'calls.direction': 'Направление', 'calls.manager': 'Менеджер',
    'calls.sentiment': 'Тон', 'calls.stage': 'Этап', 'calls.any': 'Все', 'calls.apply': 'Применить',
    'calls.reset': 'Сбросить', 'calls.inProgress': 'В обработке', 'calls.none': 'Звонков не найдено.',
    'calls.next': 'Следующая страница', 'calls.prev': 'Предыдущая страница',
    'calls.page': 'Страница {n}', 'calls.caption': 'Звонки, новые сверху',
    'col.time': 'Время', 'col.direction': 'Направление', 'col.client': 'Клиент',
    'col.manager': 'Менеджер', 'col.duration': 'Длительность', 'col.sentiment': 'Тон',
    'col.stage': 'Этап', 'col.summary': 'Саммари',
    // Talk metrics (issue 16): the Calls list's sortable columns and the call page's card.
    'col.talkShare': 'Речь менеджера', 'col.monologue': 'Монолог', 'col.interruptions': 'Перебивания',
    'calls.sortBy': 'Сортировать по столбцу «{col}»', 'calls.captionSorted': 'Звонки по столбцу «{col}»',
    'talk.title': '🗣 Разговор', 'talk.lanes': 'Кто когда говорил',
    'talk.seekHint': 'Нажмите на полосу или реплику, чтобы перейти к этому месту записи.',
    'talk.s': 'с', 'talk.shareManager': 'Доля речи менеджера', 'talk.shareClient': 'Доля речи клиента',
    'talk.share.ok': 'в норме (ориентир 43 %)', 'talk.share.above': 'выше ориентира 43 %',
    'talk.share.high': 'больше 65 %: клиента почти не слушают',
    'talk.monologueManager': 'Самый длинный монолог менеджера',
    'talk.monologueClient': 'Самый длинный монолог клиента',
    'talk.interruptionsManager': 'Менеджер перебил', 'talk.interruptionsClient': 'Клиент перебил',
    'talk.questionsManager': 'Вопросов у менеджера', 'talk.questionsClient': 'Вопросов у клиента',
    'talk.wpmManager': 'Темп менеджера, слов в минуту', 'talk.wpmClient': 'Темп клиента, слов в минуту',
    'talk.firstClientWord': 'Первое слово клиента', 'talk.questions': 'Вопросов',
    'talk.wpm': 'Темп, слов в минуту', 'talk.silence': 'Общее молчание', 'talk.longest': 'самое долгое',
    'team.title': 'Менеджеры', 'team.caption': 'Менеджеры за период, по средней оценке и близости доли речи к ориентиру',
    'team.hint': 'Доля речи менеджера против ориентира 43/57 (лучшие продавцы говорят около 43 % времени, слушают 57 %; выше 65 % — клиента почти не слушают). Ранг — по средней оценке по чек-листу, без оценок — по близости к ориентиру. Имя открывает звонки менеджера по доле речи, номер звонка — звонок, где критерий не выполнен.',
    'team.none': 'За этот период звонков менеджеров нет.', 'team.rank': '№', 'team.manager': 'Менеджер',
    'team.calls': 'Звонков', 'team.measured': 'С метриками', 'team.share': 'Доля речи',
    'team.monologue': 'Монолог, в среднем', 'team.maxMonologue': 'Самый длинный монолог',
    'team.interruptions': 'Перебиваний на звонок', 'team.points': '{n} п. п.',
    'team.score': 'Оценка', 'team.failed': 'Чаще всего не выполнено',
    'team.trendHint': 'Средняя оценка за первую неделю периода с оценками: {from}, за последнюю: {to}',
    'talk.mono': 'Моно-запись: обе стороны на одном канале, поэтому доли речи, монологи, перебивания и первое слово клиента не измерить.',
    'dir.incoming': 'Входящий', 'dir.outgoing': 'Исходящий', 'dir.unknown': 'Неизвестно',
    'sent.positive': 'позитивный', 'sent.neutral': 'нейтральный', 'sent.negative': 'негативный',
    'stage.received': 'Получен', 'stage.resolve': 'Уточнение', 'stage.download': 'Загрузка',
    'stage.prepare': 'Подготовка', 'stage.transcribe': 'Расшифровка', 'stage.summarize': 'Анализ',
    'stage.deliver': 'Отправка', 'stage.done': 'Готово', 'stage.skipped': 'Пропущен',
    'stage.failed': 'Ошибка',
    'call.incoming': '📞 Входящий звонок', 'call.outgoing': '📞 Исходящий звонок',
    'call.unknown': '📞 Звонок', 'call.info': '📋 Информация', 'call.from': 'От',
    'call.to': 'Кому', 'call.duration': 'Длительность', 'call.manager': 'Менеджер',
    'call.client': 'Клиент', 'call.crm': 'CRM', 'call.openCrm': 'Открыть в Битрикс24',
    'call.summary': '📝 Саммари', 'call.keyPoints': '🎯 Ключевые пункты', 'call.tasks': '✅ Задачи',
    'call.request': '💬 Запрос клиента', 'call.nextSteps': '➡️ Следующие шаги',
    'call.tone': '📊 Тон разговора', 'call.kind': 'Тип записи', 'call.noSummary': 'Саммари пока нет.',
    'call.recording': 'Запись', 'call.noRecording': 'Запись не сохранена.',
    'call.transcript': 'Расшифровка', 'call.noTranscript': 'Расшифровки пока нет.',
    'nav.checklists': 'Чек-листы',
    'sc.title': '✅ Оценка по чек-листу', 'sc.noScore': 'нет оценки', 'sc.critical': 'критичный',
    'sc.criticalFailed': 'Не выполнен критичный пункт', 'sc.yes': 'Да', 'sc.no': 'Нет',
    'sc.na': 'Неприменимо', 'sc.unanswered': 'Без ответа', 'sc.refused': 'Ответ отклонён: {reason}',
    'sc.criticalItemFailed': 'критичный пункт не выполнен', 'sc.none': 'Звонок ещё не оценён по чек-листу.',
    'sc.seekHint': 'Нажмите на цитату, чтобы услышать, где это было сказано.',
    'sc.rescore': 'Оценить заново', 'sc.rescoring': 'Оцениваем по активному чек-листу…',
    'sc.rescored': 'Звонок оценён заново по активному чек-листу.', 'sc.rescoreFailed': 'Не удалось оценить: {error}',
    'cl.delete': 'Убрать пункт', 'cl.new': 'Новый чек-лист', 'cl.newId': 'Код нового чек-листа (a-z, 0-9, _)',
    'cl.create': 'Создать', 'cl.badId': 'Код: 1–40 символов a-z, 0-9, _',
    'cl.questions': 'Вопросы (не влияют на оценку)', 'cl.addQuestion': 'Добавить вопрос', 'cl.kind': 'Ответ',
    'q.kind.yes_no': 'Да / нет', 'q.kind.text': 'Текст', 'q.title': 'Ответы на вопросы', 'q.unknown': 'не сказано',
    'q.filter': 'Ответ на вопрос', 'q.answered': 'есть ответ',
    'cl.title': 'Чек-листы', 'cl.intro': 'Активный чек-лист оценивается в каждом новом разговоре; каждый ответ подтверждается дословной цитатой из расшифровки.',
    'cl.import': 'Импорт JSON', 'cl.name': 'Название', 'cl.active': 'Активный', 'cl.shipped': '(встроенный, ещё не сохранён)',
    'cl.id': 'Код', 'cl.question': 'Вопрос', 'cl.weight': 'Вес', 'cl.critical': 'Критичный', 'cl.side': 'Сторона',
    'cl.side.manager': 'Менеджер', 'cl.side.client': 'Клиент', 'cl.side.any': 'Любая',
    'cl.add': 'Добавить пункт', 'cl.save': 'Сохранить', 'cl.saved': 'Чек-лист сохранён.',
    'cl.failed': 'Не сохранено: {error}', 'cl.noId': 'в файле нет поля id',
    'call.seekHint': 'Нажмите на реплику, чтобы перейти к этому месту записи.',
    'speaker.manager': 'Менеджер', 'speaker.client': 'Клиент', 'speaker.': 'Речь',
    'call.timeline': 'Обработка', 'call.stage': 'Этап', 'call.attempt': 'Попытка',
    'call.started': 'Начало', 'call.took': 'Длилось', 'call.outcome': 'Итог', 'call.error': 'Ошибка',
    'call.noRuns': 'Этапы ещё не запускались.', 'call.deliveries': 'Доставка',
    'call.channel': 'Канал', 'call.status': 'Статус', 'call.attempts': 'Попыток',
    'call.cost': 'Стоимость', 'call.costTotal': 'Всего', 'call.provider': 'Сервис',
    'call.model': 'Модель', 'call.retry': 'Обработать заново',
    'call.retried': 'Звонок отправлен на повторную обработку: {stage}.',
    'call.retryFailed': 'Не удалось: {error}', 'call.skipReason': 'Причина пропуска',
    'call.lastError': 'Последняя ошибка', 'call.back': '← Ко всем звонкам',
    'erase.title': 'Удаление по запросу', 'erase.open': 'Удалить звонок…',
    'erase.what': 'Звонок, его расшифровка, саммари, оценка, метрики и запись будут удалены из callbrief навсегда. Bitrix24 не сможет вернуть его снова.',
    'erase.stays': 'Останутся: сообщение в Telegram, комментарий и задачи в Bitrix24, запись на портале — удалите их там.',
    'erase.confirm': 'Удалить навсегда', 'erase.cancel': 'Отмена',
    'erase.done': 'Звонок удалён', 'erase.doneText': 'Всё, что callbrief хранил об этом звонке, удалено.',
    'erase.failed': 'Не удалось удалить: {error}',
    'call.notFound': 'Звонок не найден.', 'call.bitrixId': 'CALL_ID',
    'kind.conversation': 'разговор', 'kind.voicemail': 'автоответчик', 'kind.ivr': 'голосовое меню',
    'kind.wrong_number': 'ошибка номера', 'kind.no_speech': 'нет речи',
    'dash.title': 'Дашборд', 'dash.period': 'Период', 'dash.days': '{n} дней',
    'dash.calls': 'Звонки', 'dash.done': 'Обработано', 'dash.skipped': 'Пропущено',
    'dash.failed': 'Ошибки', 'dash.talk': 'Время разговоров', 'dash.cost': 'Расходы',
    'dash.chartCalls': 'Звонков в день', 'dash.chartOutcome': 'Обработано, пропущено, ошибки',
    'dash.chartSentiment': 'Тон разговоров', 'dash.chartLatency': 'Медиана задержки обработки, с',
    'dash.chartTalk': 'Время разговоров, мин', 'dash.chartCost': 'Расходы в день, $',
    'dash.table': 'Данные таблицей', 'dash.day': 'День', 'dash.latency': 'Медиана задержки, с',
    'status.title': 'Статус', 'status.checks': 'Настройки и проверки',
    'status.noReport': 'Проверки недоступны в этой сборке; запустите `callbrief doctor`.',
    'status.check': 'Проверка', 'status.result': 'Результат', 'status.details': 'Подробности',
    'status.ok': 'работает', 'status.fail': 'не работает', 'status.warning': 'внимание', 'status.webhook': 'Обработчик для Битрикс24',
    'status.webhookHint': 'Вставьте этот адрес в исходящий вебхук Битрикс24 для события ONVOXIMPLANTCALLEND.',
    'status.webhookGuess': 'Адрес взят из запроса; задайте PUBLIC_URL, если сервис стоит за прокси.',
    'status.copy': 'Копировать', 'status.copied': 'Скопировано.', 'status.queue': 'Очередь',
    'status.inProgress': 'В обработке', 'status.byStage': 'По этапам', 'status.count': 'Звонков',
    'status.failures': 'Последние ошибки', 'status.noFailures': 'Ошибок нет.',
    'status.access': 'Доступ', 'status.passwordSet': 'Вход по паролю (ADMIN_PASSWORD задан).',
    'status.loopbackOnly': 'ADMIN_PASSWORD не задан: интерфейс открыт только с этой машины.',
    'error.load': 'Не удалось загрузить данные: {error}', 'notFound': 'Страница не найдена.',
  },
  en: {
    skip: 'Skip to content', sections: 'Sections', loading: 'Loading…', logout: 'Log out',
    'nav.calls': 'Calls', 'nav.dashboard': 'Dashboard', 'nav.status': 'Status',
    switchTo: 'Русский',
    'nav.trackers': 'Trackers', 'trackers.title': 'Trackers',
    'trackers.intro': 'Words and phrases looked for in every new transcript, in any form ("договор" finds "договора"). A tracker applies to calls transcribed after it is saved.',
    'trackers.none': 'No trackers yet.', 'trackers.newTitle': 'New tracker',
    'trackers.editTitle': 'Edit tracker “{name}”', 'trackers.name': 'Name',
    'trackers.side': 'Whose lines', 'trackers.side.both': 'both sides',
    'trackers.side.manager': 'manager', 'trackers.side.client': 'client',
    'trackers.phrases': 'Words and phrases', 'trackers.phrasesHint': 'One per line; a phrase is its words in a row.',
    'trackers.phrasesExample': 'other supplier\ntoo expensive', 'trackers.alert': 'Send an alert to Telegram',
    'trackers.alertOn': 'alert', 'trackers.save': 'Save', 'trackers.cancel': 'Cancel',
    'trackers.saved': 'Tracker “{name}” saved.', 'trackers.deleted': 'Tracker “{name}” deleted.',
    'trackers.saveFailed': 'Not saved: {error}', 'trackers.confirmDelete': 'Delete tracker “{name}” and all its hits?',
    'trackers.calls': 'Calls', 'trackers.edit': 'Edit', 'trackers.delete': 'Delete',
    'trackers.col.name': 'Name', 'trackers.col.side': 'Whose lines', 'trackers.col.phrases': 'Words and phrases',
    'trackers.col.alert': 'Alert', 'trackers.col.actions': 'Actions',
    'calls.tracker': 'Tracker', 'call.trackers': '🏷️ Trackers', 'dash.trackers': 'Trackers in the period',
    'dash.trackerCalls': 'Calls', 'dash.trackerHits': 'Hits', 'dash.noTrackers': 'No trackers.',
    'login.intro': 'Enter the administrator password (ADMIN_PASSWORD).', 'login.password': 'Password',
    'login.submit': 'Log in', 'login.wrong': 'Wrong password.',
    'login.throttled': 'Too many attempts. Try again in {s} s.',
    'calls.fulltext': 'Search conversations', 'calls.fulltextExample': 'contract "invoice"',
    'calls.fulltextHint': 'All words, in any form; a phrase in quotes: the words in a row',
    'calls.hits': 'Where found', 'calls.hitSummary': 'In the summary',
    'calls.hitAcross': 'The phrase spans two lines',
    'calls.title': 'Calls', 'calls.filters': 'Filters', 'calls.search': 'Search by number',
    'calls.searchHint': 'Digits of the client or line number', 'calls.from': 'From',
    'calls.to': 'To', 'calls.direction': 'Direction', 'calls.manager': 'Manager',
    'calls.sentiment': 'Tone', 'calls.stage': 'Stage', 'calls.any': 'Any', 'calls.apply': 'Apply',
    'calls.reset': 'Reset', 'calls.inProgress': 'In progress', 'calls.none': 'No calls found.',
    'calls.next': 'Next page', 'calls.prev': 'Previous page', 'calls.page': 'Page {n}',
    'calls.caption': 'Calls, newest first',
    'col.time': 'Time', 'col.direction': 'Direction', 'col.client': 'Client',
    'col.manager': 'Manager', 'col.duration': 'Duration', 'col.sentiment': 'Tone',
    'col.stage': 'Stage', 'col.summary': 'Summary',
    'col.talkShare': 'Manager talk', 'col.monologue': 'Monologue', 'col.interruptions': 'Interruptions',
    'calls.sortBy': 'Sort by “{col}”', 'calls.captionSorted': 'Calls by “{col}”',
    'talk.title': '🗣 Conversation', 'talk.lanes': 'Who spoke when',
    'talk.seekHint': 'Click a bar or a line to jump to that moment of the recording.',
    'talk.s': 's', 'talk.shareManager': 'Manager talk share', 'talk.shareClient': 'Client talk share',
    'talk.share.ok': 'fine (benchmark 43 %)', 'talk.share.above': 'above the 43 % benchmark',
    'talk.share.high': 'over 65 %: the client is hardly heard',
    'talk.monologueManager': 'Manager’s longest monologue',
    'talk.monologueClient': 'Client’s longest monologue',
    'talk.interruptionsManager': 'Manager interrupted', 'talk.interruptionsClient': 'Client interrupted',
    'talk.questionsManager': 'Questions by the manager', 'talk.questionsClient': 'Questions by the client',
    'talk.wpmManager': 'Manager’s pace, words a minute', 'talk.wpmClient': 'Client’s pace, words a minute',
    'talk.firstClientWord': 'Client’s first word at', 'talk.questions': 'Questions',
    'talk.wpm': 'Pace, words a minute', 'talk.silence': 'Mutual silence', 'talk.longest': 'longest',
    'team.title': 'Managers', 'team.caption': 'Managers over the period, by average score and how close their talk share is to the benchmark',
    'team.hint': 'The manager’s talk share against the 43/57 benchmark (top sellers talk about 43 % of the time and listen 57 %; above 65 % the client is hardly heard). Ranked by average checklist score, without scores by closeness to the benchmark. A name opens that manager’s calls by talk share, a call number the call that failed the criterion.',
    'team.none': 'No manager had calls in this period.', 'team.rank': '#', 'team.manager': 'Manager',
    'team.calls': 'Calls', 'team.measured': 'Measured', 'team.share': 'Talk share',
    'team.monologue': 'Monologue, average', 'team.maxMonologue': 'Longest monologue',
    'team.interruptions': 'Interruptions per call', 'team.points': '{n} pts',
    'team.score': 'Score', 'team.failed': 'Failed most often',
    'team.trendHint': 'Average score of the first scored week of the period: {from}, of the last: {to}',
    'talk.mono': 'Mono recording: both sides share one channel, so talk shares, monologues, interruptions and the client’s first word cannot be measured.',
    'dir.incoming': 'Incoming', 'dir.outgoing': 'Outgoing', 'dir.unknown': 'Unknown',
    'sent.positive': 'positive', 'sent.neutral': 'neutral', 'sent.negative': 'negative',
    'stage.received': 'Received', 'stage.resolve': 'Resolving', 'stage.download': 'Downloading',
    'stage.prepare': 'Preparing', 'stage.transcribe': 'Transcribing', 'stage.summarize': 'Summarizing',
    'stage.deliver': 'Delivering', 'stage.done': 'Done', 'stage.skipped': 'Skipped',
    'stage.failed': 'Failed',
    'call.incoming': '📞 Incoming call', 'call.outgoing': '📞 Outgoing call', 'call.unknown': '📞 Call',
    'call.info': '📋 Details', 'call.from': 'From', 'call.to': 'To', 'call.duration': 'Duration',
    'call.manager': 'Manager', 'call.client': 'Client', 'call.crm': 'CRM',
    'call.openCrm': 'Open in Bitrix24', 'call.summary': '📝 Summary',
    'call.keyPoints': '🎯 Key points', 'call.tasks': '✅ Tasks', 'call.request': '💬 Client request',
    'call.nextSteps': '➡️ Next steps', 'call.tone': '📊 Tone', 'call.kind': 'Recording type',
    'call.noSummary': 'No summary yet.', 'call.recording': 'Recording',
    'call.noRecording': 'No recording stored.', 'call.transcript': 'Transcript',
    'call.noTranscript': 'No transcript yet.',
    'nav.checklists': 'Checklists',
    'sc.title': '✅ Scorecard', 'sc.noScore': 'no score', 'sc.critical': 'critical',
    'sc.criticalFailed': 'A critical item failed', 'sc.yes': 'Yes', 'sc.no': 'No',
    'sc.na': 'Not applicable', 'sc.unanswered': 'Unanswered', 'sc.refused': 'Answer refused: {reason}',
    'sc.criticalItemFailed': 'critical item failed', 'sc.none': 'This call has not been scored yet.',
    'sc.seekHint': 'Click a quote to hear where it was said.',
    'sc.rescore': 'Re-score', 'sc.rescoring': 'Scoring against the active checklist…',
    'sc.rescored': 'The call was scored again against the active checklist.', 'sc.rescoreFailed': 'Could not score: {error}',
    'cl.delete': 'Remove item', 'cl.new': 'New checklist', 'cl.newId': 'Id of the new checklist (a-z, 0-9, _)',
    'cl.create': 'Create', 'cl.badId': 'Id: 1–40 characters a-z, 0-9, _',
    'cl.questions': 'Questions (not scored)', 'cl.addQuestion': 'Add a question', 'cl.kind': 'Answer',
    'q.kind.yes_no': 'Yes / no', 'q.kind.text': 'Text', 'q.title': 'Answers to questions', 'q.unknown': 'not said',
    'q.filter': 'Answer to a question', 'q.answered': 'answered',
    'cl.title': 'Checklists', 'cl.intro': 'The active checklist is scored on every new conversation; each answer is backed by a verbatim quote from the transcript.',
    'cl.import': 'Import JSON', 'cl.name': 'Name', 'cl.active': 'Active', 'cl.shipped': '(shipped, not saved yet)',
    'cl.id': 'Id', 'cl.question': 'Question', 'cl.weight': 'Weight', 'cl.critical': 'Critical', 'cl.side': 'Side',
    'cl.side.manager': 'Manager', 'cl.side.client': 'Client', 'cl.side.any': 'Either',
    'cl.add': 'Add an item', 'cl.save': 'Save', 'cl.saved': 'Checklist saved.',
    'cl.failed': 'Not saved: {error}', 'cl.noId': 'the file has no id',
    'call.seekHint': 'Click a line to jump to that moment of the recording.',
    'speaker.manager': 'Manager', 'speaker.client': 'Client', 'speaker.': 'Speech',
    'call.timeline': 'Processing', 'call.stage': 'Stage', 'call.attempt': 'Attempt',
    'call.started': 'Started', 'call.took': 'Took', 'call.outcome': 'Outcome', 'call.error': 'Error',
    'call.noRuns': 'No stage has run yet.', 'call.deliveries': 'Delivery', 'call.channel': 'Channel',
    'call.status': 'Status', 'call.attempts': 'Attempts', 'call.cost': 'Cost',
    'call.costTotal': 'Total', 'call.provider': 'Provider', 'call.model': 'Model',
    'call.retry': 'Process again', 'call.retried': 'The call was sent back for processing: {stage}.',
    'call.retryFailed': 'Failed: {error}', 'call.skipReason': 'Why it was skipped',
    'erase.title': 'Erasure on request', 'erase.open': 'Erase this call…',
    'erase.what': 'The call, its transcript, summary, scorecard, metrics and recording will be deleted from callbrief for good. Bitrix24 cannot bring it back.',
    'erase.stays': 'What stays: the Telegram message, the comment and tasks in Bitrix24, the recording on the portal — delete them there.',
    'erase.confirm': 'Erase for good', 'erase.cancel': 'Cancel',
    'erase.done': 'Call erased', 'erase.doneText': 'Everything callbrief kept about this call is deleted.',
    'erase.failed': 'Could not erase: {error}',
    'call.lastError': 'Last error', 'call.back': '← All calls', 'call.notFound': 'No such call.',
    'call.bitrixId': 'CALL_ID',
    'kind.conversation': 'conversation', 'kind.voicemail': 'voicemail', 'kind.ivr': 'voice menu',
    'kind.wrong_number': 'wrong number', 'kind.no_speech': 'no speech',
    'dash.title': 'Dashboard', 'dash.period': 'Period', 'dash.days': '{n} days',
    'dash.calls': 'Calls', 'dash.done': 'Processed', 'dash.skipped': 'Skipped', 'dash.failed': 'Failed',
    'dash.talk': 'Talk time', 'dash.cost': 'Cost', 'dash.chartCalls': 'Calls per day',
    'dash.chartOutcome': 'Processed, skipped, failed', 'dash.chartSentiment': 'Tone of calls',
    'dash.chartLatency': 'Median processing latency, s', 'dash.chartTalk': 'Talk time, min',
    'dash.chartCost': 'Cost per day, $', 'dash.table': 'Data as a table', 'dash.day': 'Day',
    'dash.latency': 'Median latency, s',
    'status.title': 'Status', 'status.checks': 'Configuration and checks',
    'status.noReport': 'Checks are not available in this build; run `callbrief doctor`.',
    'status.check': 'Check', 'status.result': 'Result', 'status.details': 'Details',
    'status.ok': 'works', 'status.fail': 'does not work', 'status.warning': 'warning', 'status.webhook': 'Bitrix24 event handler',
    'status.webhookHint': 'Paste this address into the Bitrix24 outbound webhook for ONVOXIMPLANTCALLEND.',
    'status.webhookGuess': 'Taken from this request; set PUBLIC_URL when the service is behind a proxy.',
    'status.copy': 'Copy', 'status.copied': 'Copied.', 'status.queue': 'Queue',
    'status.inProgress': 'In progress', 'status.byStage': 'By stage', 'status.count': 'Calls',
    'status.failures': 'Recent failures', 'status.noFailures': 'No failures.',
    'status.access': 'Access', 'status.passwordSet': 'Password login (ADMIN_PASSWORD is set).',
    'status.loopbackOnly': 'ADMIN_PASSWORD is not set: the interface answers this machine only.',
    'error.load': 'Could not load data: {error}', 'notFound': 'No such page.',
  },
};

export function lang() {
  const saved = localStorage.getItem('callbrief.lang');
  return saved === 'en' ? 'en' : 'ru';
}

export function setLang(value) {
  localStorage.setItem('callbrief.lang', value);
  document.documentElement.lang = value;
}

export function t(key, params = {}) {
  const text = dictionaries[lang()][key] ?? dictionaries.ru[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ''));
}

// Static labels marked with data-i18n / data-i18n-aria, and the language switch.
export function translateStatic(root = document) {
  document.documentElement.lang = lang();
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-aria]')) {
    el.setAttribute('aria-label', t(el.dataset.i18nAria));
  }
  const button = document.getElementById('lang-switch');
  if (button) {
    button.textContent = t('switchTo');
    button.lang = lang() === 'ru' ? 'en' : 'ru';
  }
}

const locale = () => (lang() === 'ru' ? 'ru-RU' : 'en-GB');

export function formatDateTime(iso) {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(locale(), {
    day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit',
  }).format(new Date(iso));
}

export function formatTimeOfDay(iso) {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(locale(), {
    hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).format(new Date(iso));
}

// "2м 15с" / "2m 15s", as in the Telegram message.
export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.round(seconds);
  const [h, m, sec] = lang() === 'ru' ? ['ч', 'м', 'с'] : ['h', 'm', 's'];
  if (s >= 3600) return `${Math.floor(s / 3600)}${h} ${Math.floor((s % 3600) / 60)}${m}`;
  if (s >= 60) return `${Math.floor(s / 60)}${m} ${s % 60}${sec}`;
  return `${s}${sec}`;
}

// "01:05" position in a recording.
export function formatOffset(ms) {
  const s = Math.floor(ms / 1000);
  const pad = (n) => String(n).padStart(2, '0');
  return s >= 3600 ? `${Math.floor(s / 3600)}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`
    : `${pad(Math.floor(s / 60))}:${pad(s % 60)}`;
}

export function formatMs(ms) {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ${lang() === 'ru' ? 'мс' : 'ms'}`;
  return formatDuration(ms / 1000);
}

export function formatUsd(value) {
  if (value === null || value === undefined) return '—';
  return new Intl.NumberFormat(locale(), {
    style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4,
  }).format(value);
}

export function formatNumber(value) {
  return new Intl.NumberFormat(locale()).format(value);
}
