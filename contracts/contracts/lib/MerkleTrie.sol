// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import { RLPReader } from "./RLPReader.sol";

/// @notice Merkle-Patricia trie inclusion proofs (Ethereum's hexary trie), following the OP Stack verifier:
///         `_proof` lists the RLP-encoded nodes from the root to the node holding the value; nodes embedded in
///         their parent (encoding shorter than 32 bytes) appear as their own element too.
library MerkleTrie {
    struct TrieNode {
        bytes encoded;
        RLPReader.RLPItem[] decoded;
    }

    uint256 internal constant TREE_RADIX = 16;
    uint256 internal constant BRANCH_NODE_LENGTH = TREE_RADIX + 1;
    uint256 internal constant LEAF_OR_EXTENSION_NODE_LENGTH = 2;
    uint8 internal constant PREFIX_EXTENSION_EVEN = 0;
    uint8 internal constant PREFIX_EXTENSION_ODD = 1;
    uint8 internal constant PREFIX_LEAF_EVEN = 2;
    uint8 internal constant PREFIX_LEAF_ODD = 3;

    function verifyInclusionProof(bytes memory _key, bytes memory _value, bytes[] memory _proof, bytes32 _root)
        internal
        pure
        returns (bool)
    {
        return keccak256(_value) == keccak256(get(_key, _proof, _root));
    }

    /// @notice The value stored under `_key`; reverts unless `_proof` proves it against `_root`.
    function get(bytes memory _key, bytes[] memory _proof, bytes32 _root) internal pure returns (bytes memory value_) {
        require(_key.length > 0, "MerkleTrie: empty key");
        TrieNode[] memory proof = _parseProof(_proof);
        bytes memory key = _toNibbles(_key);
        bytes memory currentNodeID = abi.encodePacked(_root);
        uint256 currentKeyIndex = 0;

        for (uint256 i = 0; i < proof.length; i++) {
            TrieNode memory currentNode = proof[i];
            require(currentKeyIndex <= key.length, "MerkleTrie: key index exceeds total key length");
            if (currentKeyIndex == 0) {
                require(
                    keccak256(abi.encodePacked(keccak256(currentNode.encoded))) == keccak256(currentNodeID),
                    "MerkleTrie: invalid root hash"
                );
            } else if (currentNode.encoded.length >= 32) {
                require(
                    keccak256(abi.encodePacked(keccak256(currentNode.encoded))) == keccak256(currentNodeID),
                    "MerkleTrie: invalid large internal hash"
                );
            } else {
                require(keccak256(currentNode.encoded) == keccak256(currentNodeID), "MerkleTrie: invalid internal node hash");
            }

            if (currentNode.decoded.length == BRANCH_NODE_LENGTH) {
                if (currentKeyIndex == key.length) {
                    value_ = RLPReader.readBytes(currentNode.decoded[TREE_RADIX]);
                    require(value_.length > 0, "MerkleTrie: value length must be greater than zero (branch)");
                    require(i == proof.length - 1, "MerkleTrie: value node must be last node in proof (branch)");
                    return value_;
                }
                uint8 branchKey = uint8(key[currentKeyIndex]);
                currentNodeID = _getNodeID(currentNode.decoded[branchKey]);
                currentKeyIndex += 1;
            } else if (currentNode.decoded.length == LEAF_OR_EXTENSION_NODE_LENGTH) {
                bytes memory path = _toNibbles(RLPReader.readBytes(currentNode.decoded[0]));
                require(path.length > 0, "MerkleTrie: empty node path");
                uint8 prefix = uint8(path[0]);
                uint256 offset = 2 - (prefix % 2);
                bytes memory pathRemainder = _slice(path, offset);
                bytes memory keyRemainder = _slice(key, currentKeyIndex);
                uint256 shared = _sharedNibbleLength(pathRemainder, keyRemainder);
                require(pathRemainder.length == shared, "MerkleTrie: path remainder must share all nibbles with key");

                if (prefix == PREFIX_LEAF_EVEN || prefix == PREFIX_LEAF_ODD) {
                    require(keyRemainder.length == shared, "MerkleTrie: key remainder must be identical to path remainder");
                    value_ = RLPReader.readBytes(currentNode.decoded[1]);
                    require(value_.length > 0, "MerkleTrie: value length must be greater than zero (leaf)");
                    require(i == proof.length - 1, "MerkleTrie: value node must be last node in proof (leaf)");
                    return value_;
                } else if (prefix == PREFIX_EXTENSION_EVEN || prefix == PREFIX_EXTENSION_ODD) {
                    require(shared > 0, "MerkleTrie: empty extension");
                    currentNodeID = _getNodeID(currentNode.decoded[1]);
                    currentKeyIndex += shared;
                } else {
                    revert("MerkleTrie: received a node with an unknown prefix");
                }
            } else {
                revert("MerkleTrie: received an unparseable node");
            }
        }
        revert("MerkleTrie: ran out of proof elements");
    }

    function _parseProof(bytes[] memory _proof) private pure returns (TrieNode[] memory proof_) {
        proof_ = new TrieNode[](_proof.length);
        for (uint256 i = 0; i < _proof.length; i++) {
            proof_[i] = TrieNode({ encoded: _proof[i], decoded: RLPReader.readList(_proof[i]) });
        }
    }

    /// @notice A child reference: the 32-byte hash of a large node, or the raw encoding of an embedded one.
    function _getNodeID(RLPReader.RLPItem memory _node) private pure returns (bytes memory) {
        return _node.length < 32 ? RLPReader.readRawBytes(_node) : RLPReader.readBytes(_node);
    }

    function _toNibbles(bytes memory _bytes) private pure returns (bytes memory nibbles_) {
        nibbles_ = new bytes(_bytes.length * 2);
        for (uint256 i = 0; i < _bytes.length; i++) {
            nibbles_[i * 2] = bytes1(uint8(_bytes[i]) >> 4);
            nibbles_[i * 2 + 1] = bytes1(uint8(_bytes[i]) & 0x0f);
        }
    }

    function _slice(bytes memory _bytes, uint256 _start) private pure returns (bytes memory out_) {
        if (_start >= _bytes.length) return new bytes(0);
        uint256 length = _bytes.length - _start;
        out_ = new bytes(length);
        assembly {
            mcopy(add(out_, 32), add(add(_bytes, 32), _start), length)
        }
    }

    function _sharedNibbleLength(bytes memory _a, bytes memory _b) private pure returns (uint256 shared_) {
        uint256 max = _a.length < _b.length ? _a.length : _b.length;
        while (shared_ < max && _a[shared_] == _b[shared_]) shared_++;
    }
}

/// @notice Proofs against a secure trie, whose paths are keccak256 of the keys (Ethereum state and storage tries).
library SecureMerkleTrie {
    function verifyInclusionProof(bytes memory _key, bytes memory _value, bytes[] memory _proof, bytes32 _root)
        internal
        pure
        returns (bool)
    {
        return MerkleTrie.verifyInclusionProof(abi.encodePacked(keccak256(_key)), _value, _proof, _root);
    }

    function get(bytes memory _key, bytes[] memory _proof, bytes32 _root) internal pure returns (bytes memory) {
        return MerkleTrie.get(abi.encodePacked(keccak256(_key)), _proof, _root);
    }
}
