// A tool-call round trip through the Claude proxy with the official `openai` npm client (pinned in tools/node), non-streaming
// and streaming. Prints one JSON object with what the client parsed; ClaudeProxyNodeClientTests asserts on it.
// Usage: node openai-tools.mjs <tools/node directory>; PROXY_URL and PROXY_KEY in the environment.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(path.join(process.argv[2], 'package.json'));
const OpenAI = require('openai');
const client = new OpenAI({ baseURL: process.env.PROXY_URL + '/v1', apiKey: process.env.PROXY_KEY, maxRetries: 0 });
const tools = [{
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Gets the current weather of a city.',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
}];

async function plain() {
  const messages = [{ role: 'user', content: 'Weather in Lyon?' }];
  const first = await client.chat.completions.create({ model: 'sonnet', messages, tools, tool_choice: 'auto' });
  const choice = first.choices[0];
  messages.push(choice.message);
  for (const call of choice.message.tool_calls ?? []) {
    messages.push({ role: 'tool', tool_call_id: call.id, content: `sunny, 21 C in ${JSON.parse(call.function.arguments).city}` });
  }

  const second = await client.chat.completions.create({ model: 'sonnet', messages, tools });
  return {
    finish_reason: choice.finish_reason,
    tool_calls: choice.message.tool_calls,
    answer: second.choices[0].message.content,
    answer_finish_reason: second.choices[0].finish_reason,
  };
}

async function streamed() {
  const messages = [{ role: 'user', content: 'Weather in Rome and Nice?' }];
  const stream = client.beta.chat.completions.stream({ model: 'sonnet', messages, tools, stream: true, parallel_tool_calls: true });
  const deltas = [];
  for await (const chunk of stream) {
    for (const delta of chunk.choices[0]?.delta?.tool_calls ?? []) {
      deltas.push(delta);
    }
  }

  const final = await stream.finalChatCompletion();
  const choice = final.choices[0];
  messages.push(choice.message);
  for (const call of choice.message.tool_calls ?? []) {
    messages.push({ role: 'tool', tool_call_id: call.id, content: `rain in ${JSON.parse(call.function.arguments).city}` });
  }

  const answer = client.beta.chat.completions.stream({ model: 'sonnet', messages, tools, stream: true });
  const text = await answer.finalContent();
  return {
    finish_reason: choice.finish_reason,
    tool_calls: choice.message.tool_calls,
    delta_count: deltas.length,
    first_delta: deltas[0] ?? null,
    answer: text,
  };
}

const result = { plain: await plain(), streamed: await streamed() };
process.stdout.write(JSON.stringify(result));
