import { writeFileSync } from 'node:fs';
import { filebeatJsonSchema, inputsFileJsonSchema } from '@chatops/filebeat-config';
writeFileSync('packages/filebeat-config/filebeat.schema.json', `${JSON.stringify(filebeatJsonSchema(), null, 2)}\n`);
writeFileSync('packages/filebeat-config/inputs.schema.json', `${JSON.stringify(inputsFileJsonSchema(), null, 2)}\n`);
