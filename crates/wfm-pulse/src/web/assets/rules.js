// The alert rules wfm-pulse installs, in Russian: their names, descriptions and suggested
// actions are stored in English as written; the page shows them in the reader's language.
// Rules someone wrote are shown as written. (A unit test in web/mod.rs keeps this in step
// with wfm-core's alerting/rule/defaults.rs.)

import { locale } from "./i18n.js";

const RU = new Map([
  ["Critical understaffing", "Критическая нехватка операторов"],
  ["Call absent and late operators to their workplace.", "Вызовите на рабочие места отсутствующих и опаздывающих операторов."],
  ["Postpone breaks, lunches and training that have not started yet.", "Перенесите ещё не начавшиеся перерывы, обеды и обучение."],
  ["Move multi-skill operators over from groups staffed above plan.", "Переведите мультискильных операторов из групп, укомплектованных сверх плана."],
  ["Offer overtime, or call in operators who are off today.", "Предложите сверхурочную работу или вызовите операторов, у которых сегодня выходной."],
  ["Operators online fell below 70 % of the operators planned on line.", "Операторов на линии меньше 70 % от запланированных."],
  ["Service level breach", "Нарушение уровня обслуживания"],
  ["Bring operators in not-ready and long after-call work back to the line.", "Верните на линию операторов в статусе «не готов» и с долгой поствызывной обработкой."],
  ["Postpone breaks and training that have not started yet.", "Перенесите ещё не начавшиеся перерывы и обучение."],
  ["Move multi-skill operators over from groups meeting their target.", "Переведите мультискильных операторов из групп, выполняющих норматив."],
  ["Compare the load with the forecast; if it is a spike, announce the expected wait.", "Сравните нагрузку с прогнозом; если это всплеск, объявите ожидаемое время ожидания."],
  ["The service level of the last interval has been below 70 % (80/20) for 5 minutes.", "Уровень обслуживания последнего интервала ниже 70 % (80/20) уже 5 минут."],
  ["System overload", "Перегрузка"],
  ["Start the emergency staffing protocol: postpone every break and training, call in operators who are off, and move every multi-skill operator to this queue.", "Запустите аварийный протокол: перенесите все перерывы и обучение, вызовите операторов с выходного и переведите в эту очередь всех мультискильных операторов."],
  ["Switch on the overflow announcement or the callback offer.", "Включите объявление о перегрузке или предложение обратного звонка."],
  ["Tell the department manager the expected wait.", "Сообщите руководителю отдела ожидаемое время ожидания."],
  ["More than 20 contacts are waiting in the queue.", "В очереди ждут более 20 обращений."],
  ["Extended outage", "Длительный сбой"],
  ["Check the contact-center feed on the integration health page.", "Проверьте поток данных контакт-центра на странице состояния интеграций."],
  ["Check that the platform still pushes statuses and answers /online requests.", "Проверьте, что платформа по-прежнему передаёт статусы и отвечает на запросы /online."],
  ["Until data returns the dashboards are stale: supervise the floor directly.", "Пока данные не вернутся, показатели устарели: контролируйте зал напрямую."],
  ["No data has come from the contact center for 10 minutes.", "От контакт-центра нет данных 10 минут."],
  ["Integration outage", "Сбой интеграции"],
  ["Read the cause on the integration health page (GET /api/v1/integration/health/status).", "Причина указана на странице «Интеграция», в состоянии компонентов."],
  ["Contact-center feeds: check that the platform still pushes statuses and events.", "Потоки контакт-центра: проверьте, что платформа по-прежнему передаёт статусы и события."],
  ["1C ZUP: check that the service answers; queued syncs go out by themselves when it does.", "1С ЗУП: проверьте, что сервис отвечает; синхронизации из очереди уйдут сами, когда он ответит."],
  ["Until it is back, figures and personnel data carry freshness warnings.", "Пока связь не восстановится, показатели и кадровые данные помечены как устаревшие."],
  ["An integration component is down: no data or no answer for 2 minutes.", "Компонент интеграции не работает: нет данных или ответа 2 минуты."],
  ["Data corruption", "Повреждение данных"],
  ["Review the discrepancies: POST /api/v1/integration/consistency/check.", "Просмотрите расхождения: POST /api/v1/integration/consistency/check."],
  ["Correct them in 1C ZUP or in WFM, then check again.", "Исправьте их в 1С ЗУП или в WFM и проверьте снова."],
  ["Approve resumption: POST /api/v1/integration/sync/resume (admin).", "Разрешите возобновление: POST /api/v1/integration/sync/resume (администратор)."],
  ["The consistency check of WFM against 1C ZUP failed beyond its threshold: automatic synchronization is halted until an admin approves resumption.", "Сверка WFM с 1С ЗУП превысила порог расхождений: автоматическая синхронизация остановлена, пока администратор не разрешит возобновление."],
  ["Peak load ahead", "Пик нагрузки впереди"],
  ["Check the operators planned for the peak against its forecast.", "Сверьте операторов, запланированных на пик, с его прогнозом."],
  ["Move breaks, lunches and training out of the peak while they can still move.", "Перенесите перерывы, обеды и обучение с пика, пока их ещё можно перенести."],
  ["Line up overtime or extra shifts for the peak in time.", "Заранее договоритесь о сверхурочной работе или дополнительных сменах на пик."],
  ["The forecast arrival rate rises by more than 20 % within 2 hours.", "Прогнозная интенсивность вызовов вырастет более чем на 20 % в ближайшие 2 часа."],
]);

/** `text` of an installed rule in the reader's language; any other text as written. */
export function ruleText(text) {
  return locale() === "ru" ? RU.get(text) || text : text;
}
