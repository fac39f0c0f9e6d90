import { environmentJsonSchema } from '@chatops/environment';
import { writeFileSync } from 'node:fs';
writeFileSync('packages/environment/environment.schema.json', JSON.stringify(environmentJsonSchema(), null, 2) + '\n');
