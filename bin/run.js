#!/usr/bin/env node
import { main } from '../dist/ukey.js'

void main()
