/**
 * The chat template of the embedded model. stories260K is a story model trained on TinyStories, not a chat
 * model: it continues text. So the prompt is the content of the last user message, taken as the story's start
 * and used as written (no role markers); system and assistant messages are ignored, and with no user message
 * the prompt is empty (the model then starts a story of its own after BOS).
 */
export interface ChatMessage {
  role: string;
  content: string;
}

/** Prompt text for the embedded model: the last user message's content (see the module comment). */
export function chatPrompt(messages: ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].role === 'user') return messages[i].content;
  }
  return '';
}
